// peregrine-test-apiserver: an in-memory Kubernetes API server for tests (see server.h).
//
//   peregrine-test-apiserver [--port N] [--port-file F] [--token T]... [--tls-cert F --tls-key F]
//                            [--client-ca F] [--history-size N] [--bookmark-interval-ms N]
//                            [--request-log F]
//
// Binds 127.0.0.1 (port 0 by default: the kernel picks one), prints "listening on HOST:PORT"
// and writes the port to --port-file once ready. SIGTERM/SIGINT stop it cleanly.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "common/listen_backlog.h"
#include "test/apiserver/server.h"

namespace {

struct Flags {
  int port = 0;
  std::string port_file, tls_cert, tls_key, client_ca;
  peregrine::apiserver::ServerOptions options;
};

bool parse_flags(int argc, char** argv, Flags* f) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--port" && value(&v)) {
      f->port = std::stoi(v);
    } else if (a == "--port-file" && value(&f->port_file)) {
    } else if (a == "--tls-cert" && value(&f->tls_cert)) {
    } else if (a == "--tls-key" && value(&f->tls_key)) {
    } else if (a == "--client-ca" && value(&f->client_ca)) {
    } else if (a == "--token" && value(&v)) {
      f->options.tokens.insert(v);
    } else if (a == "--history-size" && value(&v)) {
      f->options.history_size = std::stoul(v);
    } else if (a == "--request-log" && value(&f->options.request_log)) {
    } else if (a == "--bookmark-interval-ms" && value(&v)) {
      f->options.bookmark_interval = std::chrono::milliseconds(std::stol(v));
    } else {
      std::fprintf(stderr, "peregrine-test-apiserver: unknown or incomplete flag %s\n", a.c_str());
      return false;
    }
  }
  if (f->tls_cert.empty() != f->tls_key.empty()) {
    std::fprintf(stderr, "peregrine-test-apiserver: --tls-cert and --tls-key go together\n");
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!parse_flags(argc, argv, &flags)) return 1;

  // Signals are taken by one thread with sigwait, so no handler runs inside library code.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<httplib::Server> http;
  if (!flags.tls_cert.empty()) {
    http = std::make_unique<httplib::SSLServer>(flags.tls_cert.c_str(), flags.tls_key.c_str(),
                                                flags.client_ca.empty() ? nullptr : flags.client_ca.c_str());
  } else {
    http = std::make_unique<httplib::Server>();
  }
  if (!http->is_valid()) {
    std::fprintf(stderr, "peregrine-test-apiserver: cannot set up TLS with %s and %s\n", flags.tls_cert.c_str(),
                 flags.tls_key.c_str());
    return 1;
  }
  // Watches hold a worker each for their whole life, and so does every keep-alive connection
  // between its requests: give room for a hundred agents' connections and watches at once.
  http->new_task_queue = [] { return new httplib::ThreadPool(512); };
  peregrine::ListenBacklog backlog;
  backlog.install(*http);
  http->set_keep_alive_max_count(1000);
  http->set_payload_max_length(16 << 20);

  peregrine::apiserver::ApiServer api(flags.options);
  if (!api.install(*http)) {
    std::fprintf(stderr, "peregrine-test-apiserver: cannot write --request-log %s\n", flags.options.request_log.c_str());
    return 1;
  }

  int port = flags.port == 0 ? http->bind_to_any_port("127.0.0.1") : flags.port;
  if (flags.port != 0 && !http->bind_to_port("127.0.0.1", flags.port)) port = -1;
  if (port > 0 && !backlog.deepen()) {
    std::fprintf(stderr, "peregrine-test-apiserver: cannot deepen the listen backlog\n");
    return 1;
  }
  if (port <= 0) {
    std::fprintf(stderr, "peregrine-test-apiserver: cannot bind 127.0.0.1:%d\n", flags.port);
    return 1;
  }
  std::printf("listening on 127.0.0.1:%d\n", port);
  std::fflush(stdout);
  if (!flags.port_file.empty()) {
    std::string tmp = flags.port_file + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::rename(tmp.c_str(), flags.port_file.c_str());
  }

  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    api.shutdown();
    http->stop();
  });
  http->listen_after_bind();
  // listen_after_bind also returns on a listener error; make the stopper return too.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return 0;
}
