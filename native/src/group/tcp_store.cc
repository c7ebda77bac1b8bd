#include "tcp_store.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace bp {

namespace {

// The requests: a byte naming the operation, the key (length, bytes), for kSet the value (length,
// bytes). Replies: kSet one byte; kGet a byte (1: found) and, when found, the value.
enum Op : uint8_t { kSet = 1, kGet = 2 };

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what + ": " + std::strerror(errno)); }

void send_all(int fd, const void* data, size_t n, const std::string& where) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) fail("the store at " + where + " went away");
    p += k;
    n -= (size_t)k;
  }
}

// False when the peer closed the connection before the first byte.
bool recv_all(int fd, void* data, size_t n) {
  char* p = static_cast<char*>(data);
  const size_t want = n;
  while (n > 0) {
    const ssize_t k = ::recv(fd, p, n, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) throw std::runtime_error("a store connection waited past its timeout for the other side");
    if (k == 0 && n == want) return false;
    if (k <= 0) throw std::runtime_error("a store connection closed in mid-message");
    p += k;
    n -= (size_t)k;
  }
  return true;
}

void send_bytes(int fd, const char* data, uint32_t n, const std::string& where) {
  send_all(fd, &n, sizeof n, where);
  if (n) send_all(fd, data, n, where);
}

std::vector<char> recv_bytes(int fd) {
  uint32_t n = 0;
  if (!recv_all(fd, &n, sizeof n)) throw std::runtime_error("a store connection closed in mid-message");
  std::vector<char> v(n);
  if (n && !recv_all(fd, v.data(), n)) throw std::runtime_error("a store connection closed in mid-message");
  return v;
}

// One request from fd, answered; false when the peer closed the connection.
bool answer(int fd, std::map<std::string, std::vector<char>>& values) {
  uint8_t op = 0;
  if (!recv_all(fd, &op, 1)) return false;
  const std::vector<char> k = recv_bytes(fd);
  const std::string key(k.begin(), k.end());
  if (op == kSet) {
    values[key] = recv_bytes(fd);
    const uint8_t ok = 1;
    send_all(fd, &ok, 1, "a rank");
  } else if (op == kGet) {
    const auto it = values.find(key);
    const uint8_t found = it != values.end();
    send_all(fd, &found, 1, "a rank");
    if (found) send_bytes(fd, it->second.data(), (uint32_t)it->second.size(), "a rank");
  } else {
    return false;
  }
  return true;
}

// Receives on fd wait at most `ms`: a peer that stops mid-message cannot stall the other side.
void receive_timeout(int fd, long ms) {
  timeval tv{};
  tv.tv_sec = ms / 1000;
  tv.tv_usec = (ms % 1000) * 1000;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

}  // namespace

Socket::~Socket() {
  if (fd_ >= 0) ::close(fd_);
}

Socket& Socket::operator=(Socket&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

TcpStoreServer::TcpStoreServer(int port) {
  addrinfo hints{};
  hints.ai_family = AF_INET6;  // with IPV6_V6ONLY off, IPv4 peers too
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  int fd = -1;
  if (::getaddrinfo(nullptr, service.c_str(), &hints, &res) == 0) {
    fd = ::socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    if (fd >= 0) {
      const int off = 0, on = 1;
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
      if (::bind(fd, res->ai_addr, res->ai_addrlen) != 0 || ::listen(fd, 128) != 0) {
        const int e = errno;
        ::close(fd);
        ::freeaddrinfo(res);
        errno = e;
        fail("rank 0 cannot serve the store on port " + service);
      }
    }
    ::freeaddrinfo(res);
  }
  if (fd < 0) fail("rank 0 cannot open a socket for the store on port " + service);
  listener_ = Socket(fd);
  thread_ = std::thread([this] { serve(); });
}

TcpStoreServer::~TcpStoreServer() {
  stop_ = true;
  thread_.join();
}

void TcpStoreServer::serve() {
  std::vector<Socket> peers;
  while (!stop_) {
    std::vector<pollfd> fds{{listener_.fd(), POLLIN, 0}};
    for (const Socket& s : peers) fds.push_back({s.fd(), POLLIN, 0});
    if (::poll(fds.data(), fds.size(), 50) <= 0) continue;  // wakes to see stop_
    if (fds[0].revents & POLLIN) {
      const int fd = ::accept(listener_.fd(), nullptr, nullptr);
      if (fd >= 0) {
        const int on = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        receive_timeout(fd, 10000);  // a request arrives whole at once
        peers.emplace_back(fd);
      }
    }
    // Answered in turn; a peer that closed or misbehaved is dropped (its rank fails on its own side).
    for (size_t i = fds.size() - 1; i >= 1; i--) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      bool keep = false;
      try {
        keep = answer(fds[i].fd, values_);
      } catch (const std::exception&) {
      }
      if (!keep) peers.erase(peers.begin() + (long)(i - 1));
    }
  }
}

TcpStore::TcpStore(const std::string& host, int port, std::chrono::milliseconds timeout)
    : where_(host + ":" + std::to_string(port)), timeout_(timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  for (;;) {
    addrinfo* res = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
    if (rc != 0) throw std::runtime_error("cannot resolve the store's host " + host + ": " + gai_strerror(rc));
    for (addrinfo* a = res; a; a = a->ai_next) {
      Socket s(::socket(a->ai_family, a->ai_socktype, a->ai_protocol));
      if (s.fd() >= 0 && ::connect(s.fd(), a->ai_addr, a->ai_addrlen) == 0) {
        const int on = 1;
        ::setsockopt(s.fd(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        receive_timeout(s.fd(), (long)timeout.count());
        sock_ = std::move(s);
        break;
      }
    }
    ::freeaddrinfo(res);
    if (sock_.fd() >= 0) return;
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("could not reach the store at " + where_ + " within " + std::to_string(timeout.count()) + " ms (rank 0 serves it)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void TcpStore::set(const std::string& key, const std::vector<char>& data) {
  const std::lock_guard<std::mutex> lock(mu_);
  const uint8_t op = kSet;
  send_all(sock_.fd(), &op, 1, where_);
  send_bytes(sock_.fd(), key.data(), (uint32_t)key.size(), where_);
  send_bytes(sock_.fd(), data.data(), (uint32_t)data.size(), where_);
  uint8_t ok = 0;
  if (!recv_all(sock_.fd(), &ok, 1) || ok != 1) throw std::runtime_error("the store at " + where_ + " did not take key " + key);
}

bool TcpStore::try_get(const std::string& key, std::vector<char>* value) {
  const std::lock_guard<std::mutex> lock(mu_);
  const uint8_t op = kGet;
  send_all(sock_.fd(), &op, 1, where_);
  send_bytes(sock_.fd(), key.data(), (uint32_t)key.size(), where_);
  uint8_t found = 0;
  if (!recv_all(sock_.fd(), &found, 1)) throw std::runtime_error("the store at " + where_ + " went away");
  if (found) *value = recv_bytes(sock_.fd());
  return found != 0;
}

std::vector<char> TcpStore::get(const std::string& key) {
  wait({key}, timeout_);
  std::vector<char> v;
  try_get(key, &v);
  return v;
}

void TcpStore::wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<char> ignored;
  for (const std::string& key : keys) {
    while (!try_get(key, &ignored)) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("Wait timeout for key(s): " + key);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

}  // namespace bp
