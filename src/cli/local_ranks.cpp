#include "local_ranks.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "error.h"

namespace stratum::cli {
namespace {

volatile std::sig_atomic_t g_signal = 0;
void remember(int signal) { g_signal = signal; }

// This process's arguments, less --local-ranks N (or --local-ranks=N).
std::vector<std::string> arguments_without_local_ranks() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> args;
    for (std::size_t at = 0; at < all.size();) {
        const std::size_t end = all.find('\0', at);
        args.push_back(all.substr(at, end - at));
        at = end == std::string::npos ? all.size() : end + 1;
    }
    if (args.empty()) throw Error("cannot read this program's arguments from /proc/self/cmdline");
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--local-ranks") {
            ++i;  // and its value
            continue;
        }
        if (args[i].rfind("--local-ranks=", 0) == 0) continue;
        kept.push_back(args[i]);
    }
    return kept;
}

// A TCP port free on the loopback interface now (the kernel's choice); rank 0 binds it moments later.
int free_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw Error(std::string("cannot open a socket to find a free port: ") + std::strerror(errno));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t length = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length) != 0) {
        const std::string why = std::strerror(errno);
        ::close(fd);
        throw Error("cannot find a free loopback port: " + why);
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

struct Rank {
    pid_t pid = -1;
    int fd = -1;          // its stdout and stderr, merged
    std::string partial;  // output after its last newline
    bool exited = false;
    int status = 0;
};

std::string describe(int status) {
    if (WIFSIGNALED(status)) return std::string("was killed by signal ") + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
    return "exited with status " + std::to_string(WEXITSTATUS(status));
}

int exit_code(int status) { return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status); }

}  // namespace

int run_local_ranks(int ranks, int grace_seconds) {
    if (std::getenv("RANK") || std::getenv("WORLD_SIZE"))
        throw Error("--local-ranks starts ranks itself: leave it out when torchrun (RANK, WORLD_SIZE) starts them");
    const std::vector<std::string> args = arguments_without_local_ranks();
    const int port = free_loopback_port();
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const std::string threads = std::to_string(std::max(1u, cores / static_cast<unsigned>(ranks)));
    std::cerr << "stratum train: starting " << ranks << " ranks on 127.0.0.1:" << port << "\n";

    std::vector<Rank> children(static_cast<std::size_t>(ranks));
    for (int r = 0; r < ranks; ++r) {
        int pipe_fds[2];
        if (::pipe(pipe_fds) != 0) throw Error(std::string("cannot make a pipe for a rank: ") + std::strerror(errno));
        const pid_t pid = ::fork();
        if (pid < 0) throw Error(std::string("cannot start rank ") + std::to_string(r) + ": " + std::strerror(errno));
        if (pid == 0) {
            ::dup2(pipe_fds[1], STDOUT_FILENO);
            ::dup2(pipe_fds[1], STDERR_FILENO);
            ::close(pipe_fds[0]);
            ::close(pipe_fds[1]);
            for (const Rank& earlier : children)
                if (earlier.fd >= 0) ::close(earlier.fd);
            ::setenv("RANK", std::to_string(r).c_str(), 1);
            ::setenv("LOCAL_RANK", std::to_string(r).c_str(), 1);
            ::setenv("WORLD_SIZE", std::to_string(ranks).c_str(), 1);
            ::setenv("LOCAL_WORLD_SIZE", std::to_string(ranks).c_str(), 1);
            ::setenv("MASTER_ADDR", "127.0.0.1", 1);
            ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
            ::setenv("OMP_NUM_THREADS", threads.c_str(), 0);  // the cores shared, unless the user chose
            std::vector<char*> argv;
            for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            ::execv("/proc/self/exe", argv.data());
            std::fprintf(stderr, "cannot start rank %d: %s\n", r, std::strerror(errno));
            ::_exit(127);
        }
        ::close(pipe_fds[1]);
        children[static_cast<std::size_t>(r)].pid = pid;
        children[static_cast<std::size_t>(r)].fd = pipe_fds[0];
        std::cerr << "stratum train: rank " << r << " is process " << pid << "\n";
    }

    struct sigaction action {};
    action.sa_handler = remember;
    sigemptyset(&action.sa_mask);
    struct sigaction old_int {}, old_term {};
    ::sigaction(SIGINT, &action, &old_int);
    ::sigaction(SIGTERM, &action, &old_term);

    int first_failed = -1;
    auto failed_at = std::chrono::steady_clock::now();
    for (;;) {
        if (g_signal) {  // Ctrl+C reaches the ranks too (one process group); a kill of this process alone does not
            for (const Rank& c : children)
                if (!c.exited) ::kill(c.pid, SIGTERM);
            g_signal = 0;
        }
        std::vector<pollfd> fds;
        std::vector<std::size_t> owner;
        for (std::size_t i = 0; i < children.size(); ++i)
            if (children[i].fd >= 0) {
                fds.push_back({children[i].fd, POLLIN, 0});
                owner.push_back(i);
            }
        if (!fds.empty() && ::poll(fds.data(), fds.size(), 200) > 0) {
            for (std::size_t k = 0; k < fds.size(); ++k) {
                if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                Rank& c = children[owner[k]];
                char buffer[4096];
                const ssize_t n = ::read(c.fd, buffer, sizeof buffer);
                if (n <= 0) {
                    if (n < 0 && errno == EINTR) continue;
                    if (!c.partial.empty()) std::cerr << "[rank " << owner[k] << "] " << c.partial << "\n";
                    c.partial.clear();
                    ::close(c.fd);
                    c.fd = -1;
                    continue;
                }
                c.partial.append(buffer, static_cast<std::size_t>(n));
                std::size_t line_end;
                while ((line_end = c.partial.find_first_of("\n\r")) != std::string::npos) {
                    if (line_end > 0) std::cerr << "[rank " << owner[k] << "] " << c.partial.substr(0, line_end) << "\n";
                    c.partial.erase(0, line_end + 1);
                }
                std::cerr << std::flush;
            }
        } else if (fds.empty()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        bool all_exited = true;
        for (std::size_t i = 0; i < children.size(); ++i) {
            Rank& c = children[i];
            if (c.exited) continue;
            int status = 0;
            if (::waitpid(c.pid, &status, WNOHANG) == c.pid) {
                c.exited = true;
                c.status = status;
                if (status != 0 && first_failed < 0) {
                    first_failed = static_cast<int>(i);
                    failed_at = std::chrono::steady_clock::now();
                }
            } else {
                all_exited = false;
            }
        }
        if (all_exited) break;
        if (first_failed >= 0 && std::chrono::steady_clock::now() - failed_at > std::chrono::seconds(grace_seconds))
            for (Rank& c : children)
                if (!c.exited) {
                    std::cerr << "stratum train: rank " << (&c - children.data()) << " still runs " << grace_seconds
                              << " s after rank " << first_failed << " failed: killing it\n";
                    ::kill(c.pid, SIGKILL);
                }
    }
    for (Rank& c : children)  // output still in the pipes
        if (c.fd >= 0) {
            char buffer[4096];
            ssize_t n;
            while ((n = ::read(c.fd, buffer, sizeof buffer)) > 0) c.partial.append(buffer, static_cast<std::size_t>(n));
            if (!c.partial.empty()) std::cerr << "[rank " << (&c - children.data()) << "] " << c.partial << "\n";
            ::close(c.fd);
        }
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGTERM, &old_term, nullptr);
    if (first_failed < 0) return 0;
    for (std::size_t i = 0; i < children.size(); ++i)
        if (children[i].status != 0) std::cerr << "stratum train: rank " << i << " " << describe(children[i].status) << "\n";
    return exit_code(children[static_cast<std::size_t>(first_failed)].status);
}

}  // namespace stratum::cli
