#include "client/io_thread.h"

namespace liminal::client {

IoThread::IoThread()
    : io_(1), work_(boost::asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}

IoThread::~IoThread() { Stop(); }

void IoThread::Stop() {
  if (!thread_.joinable()) return;
  work_.reset();
  io_.stop();
  thread_.join();
}

}  // namespace liminal::client
