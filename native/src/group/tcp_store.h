// A rendezvous store over TCP for process groups whose machines share no file system (PyTorch's
// TCPStore): rank 0 serves a key-value map on a port; every rank (rank 0 too) sets and reads keys
// through a connection to it. Only the ranks' meeting uses it; it ends once they have connected.
#pragma once
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gloo/rendezvous/store.h>

namespace bp {

// A socket descriptor, closed with its owner.
class Socket {
 public:
  explicit Socket(int fd = -1) : fd_(fd) {}
  ~Socket();
  Socket(Socket&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Socket& operator=(Socket&& o) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Rank 0's side: the map and a thread that answers every connection until destroyed.
class TcpStoreServer {
 public:
  // Listens on `port` of every interface; throws std::runtime_error when it cannot.
  explicit TcpStoreServer(int port);
  ~TcpStoreServer();
  TcpStoreServer(const TcpStoreServer&) = delete;
  TcpStoreServer& operator=(const TcpStoreServer&) = delete;

 private:
  void serve();
  Socket listener_;
  std::atomic<bool> stop_{false};
  std::map<std::string, std::vector<char>> values_;
  std::thread thread_;  // last: started once the rest exists
};

class TcpStore : public gloo::rendezvous::Store {
 public:
  // Connects to host:port, trying again until `timeout` has passed (rank 0 may start later).
  TcpStore(const std::string& host, int port, std::chrono::milliseconds timeout);

  void set(const std::string& key, const std::vector<char>& data) override;
  // Waits for the key (up to the timeout), then returns its value.
  std::vector<char> get(const std::string& key) override;
  void wait(const std::vector<std::string>& keys) override { wait(keys, timeout_); }
  void wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) override;

 private:
  // Asks for key once: true and its value when it is set.
  bool try_get(const std::string& key, std::vector<char>* value);
  std::mutex mu_;  // one request at a time on the connection
  Socket sock_;
  std::string where_;
  std::chrono::milliseconds timeout_;
};

}  // namespace bp
