// The translation unit that builds the tests' shared precompiled header (tests/CMakeLists.txt,
// liminal_test_pch); it has no code of its own.
