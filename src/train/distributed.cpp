#include "distributed.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <sstream>
#include <thread>

#include "error.h"

#ifdef STRATUM_HAVE_GLOO
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif
#ifdef STRATUM_HAVE_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace stratum::train {
namespace {

int env_int(const char* name, const char* value, int lo, int hi) {
    std::size_t used = 0;
    int v = 0;
    try {
        v = std::stoi(value, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || value[used] != '\0' || v < lo || v > hi)
        throw Error(std::string(name) + "=\"" + value + "\" is not a number from " + std::to_string(lo) + " to " +
                    std::to_string(hi) + " (torchrun sets it; or start the ranks with stratum train --local-ranks N)");
    return v;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

RankEnvironment rank_environment() {
    RankEnvironment env;
    const char* rank = std::getenv("RANK");
    const char* world = std::getenv("WORLD_SIZE");
    if (!rank && !world) return env;
    if (!rank || !world)
        throw Error(std::string(rank ? "WORLD_SIZE" : "RANK") + " is unset while " + (rank ? "RANK" : "WORLD_SIZE") +
                    " is set: set both (as torchrun does), or neither for a single process");
    env.present = true;
    env.world_size = env_int("WORLD_SIZE", world, 1, 65536);
    env.rank = env_int("RANK", rank, 0, env.world_size - 1);
    const char* local = std::getenv("LOCAL_RANK");
    env.local_rank = local ? env_int("LOCAL_RANK", local, 0, 65535) : env.rank;
    if (env.world_size > 1) {
        const char* addr = std::getenv("MASTER_ADDR");
        const char* port = std::getenv("MASTER_PORT");
        if (!addr || !*addr) throw Error("MASTER_ADDR is unset: the address of the machine that runs rank 0");
        if (!port) throw Error("MASTER_PORT is unset: a free TCP port on MASTER_ADDR for the run's store");
        env.master_addr = addr;
        env.master_port = env_int("MASTER_PORT", port, 1, 65535);
    }
    return env;
}

std::string distributed_backends() {
#if defined(STRATUM_HAVE_GLOO) && defined(STRATUM_HAVE_NCCL)
    return "gloo, nccl";
#elif defined(STRATUM_HAVE_GLOO)
    return "gloo";
#else
    return "";
#endif
}

int stddev_group(std::int64_t n, int group) {
    std::int64_t g = std::max<std::int64_t>(1, std::min<std::int64_t>(group, n));
    while (n % g != 0) --g;  // as minibatch_stddev chooses it
    return static_cast<int>(g);
}

torch::Tensor shard_rows(std::int64_t batch, int group, int world_size, int rank) {
    const int g = stddev_group(batch, group);
    if (batch % (static_cast<std::int64_t>(g) * world_size) != 0)
        throw Error("a batch of " + std::to_string(batch) + " cannot be split over " + std::to_string(world_size) +
                    " ranks: each rank's share must hold whole minibatch-stddev groups of " + std::to_string(g) +
                    ", so the batch must be a multiple of " + std::to_string(g * world_size) + " (--batch)");
    const std::int64_t columns = batch / g, share = columns / world_size;
    const auto opts = torch::TensorOptions().dtype(torch::kInt64);
    const torch::Tensor a = torch::arange(g, opts).mul(columns).unsqueeze(1);
    const torch::Tensor m = torch::arange(rank * share, (rank + 1) * share, opts).unsqueeze(0);
    return (a + m).flatten();
}

#ifdef STRATUM_HAVE_GLOO

struct Distributed::Impl {
    std::string addr;
    int port = 0;
    std::chrono::seconds timeout{0};
    c10::intrusive_ptr<c10d::Store> ours;        // stratum's keys on the run's TCPStore
    c10::intrusive_ptr<c10d::Store> beats;       // a second connection for the heartbeat and diagnosis
    c10::intrusive_ptr<c10d::ProcessGroup> cpu;  // Gloo: store-sized values, bytes, losses
    c10::intrusive_ptr<c10d::ProcessGroup> grads;
    std::thread heartbeat;
    std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;
};

namespace {

// The run's store: rank 0 serves it. `join`: count this connection among the world's (every rank's
// first one), so that rank 0's constructor returns once all ranks have connected. Without it on every
// rank, libtorch 1.13's server waits out its whole timeout and then goes on silently, and the ranks'
// first rendezvous races against that timeout.
c10::intrusive_ptr<c10d::Store> connect(const RankEnvironment& env, bool join, std::chrono::seconds timeout) {
    c10d::TCPStoreOptions o;
    o.port = static_cast<std::uint16_t>(env.master_port);
    o.isServer = join && env.rank == 0;
    o.timeout = timeout;
    if (join) o.numWorkers = env.world_size;
    o.waitWorkers = join;
    return c10::make_intrusive<c10d::TCPStore>(env.master_addr, o);
}

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }
std::string text_of(const std::vector<std::uint8_t>& v) { return {v.begin(), v.end()}; }

bool is_loopback(const std::string& addr) { return addr == "localhost" || addr.rfind("127.", 0) == 0 || addr == "::1"; }

}  // namespace

Distributed::Distributed(const RankEnvironment& env, const torch::Device& device, std::chrono::seconds timeout)
    : rank_(env.rank), world_size_(env.world_size), backend_("gloo"), impl_(std::make_unique<Impl>()) {
    impl_->addr = env.master_addr;
    impl_->port = env.master_port;
    impl_->timeout = timeout;
    c10::intrusive_ptr<c10d::Store> store;
    try {
        store = connect(env, /*join=*/true, timeout);
    } catch (const std::exception& e) {
        throw Error("rank " + std::to_string(rank_) + ": cannot join the run's store at " + env.master_addr + ":" +
                    std::to_string(env.master_port) + " within " + std::to_string(timeout.count()) +
                    " s (is rank 0 running, and are MASTER_ADDR and MASTER_PORT the same on every rank?): " +
                    first_line(e.what()));
    }
    impl_->ours = c10::make_intrusive<c10d::PrefixStore>("stratum", store);
    try {
        auto options = c10d::ProcessGroupGloo::Options::create(timeout);
        // Ranks on one machine talk over loopback; across machines each binds the address its host name
        // resolves to, or the interface GLOO_SOCKET_IFNAME names (as torch.distributed does).
        if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"))
            options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
        else if (is_loopback(env.master_addr))
            options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
        else
            options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
        options->threads = 2;
        impl_->cpu = c10::make_intrusive<c10d::ProcessGroupGloo>(
            c10::make_intrusive<c10d::PrefixStore>("gloo", store), rank_, world_size_, options);
        impl_->grads = impl_->cpu;
#ifdef STRATUM_HAVE_NCCL
        if (device.is_cuda()) {
            auto nccl = c10d::ProcessGroupNCCL::Options::create();
            nccl->timeout = timeout;
            impl_->grads = c10::make_intrusive<c10d::ProcessGroupNCCL>(
                c10::make_intrusive<c10d::PrefixStore>("nccl", store), rank_, world_size_, nccl);
            backend_ = "nccl";
        }
#else
        (void)device;
#endif
    } catch (const std::exception& e) {
        throw Error("rank " + std::to_string(rank_) + ": cannot start the collective backend: " + first_line(e.what()));
    }
    // A heartbeat on a connection of its own, so that a rank waiting in a long store read still beats:
    // after a failed collective, a rank whose count stands still is gone.
    try {
        impl_->beats = c10::make_intrusive<c10d::PrefixStore>("stratum", connect(env, false, std::chrono::seconds(10)));
    } catch (const std::exception& e) {
        throw Error("rank " + std::to_string(rank_) + ": cannot open a second connection to the store: " + first_line(e.what()));
    }
    impl_->heartbeat = std::thread([impl = impl_.get(), key = "alive/" + std::to_string(rank_)] {
        std::unique_lock<std::mutex> lock(impl->mutex);
        while (!impl->stopping) {
            try {
                impl->beats->add(key, 1);
            } catch (const std::exception&) {
                return;  // the store is gone (rank 0 ended): the collectives say so
            }
            impl->wake.wait_for(lock, std::chrono::milliseconds(250));
        }
    });
}

Distributed::~Distributed() {
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->wake.notify_all();
    if (impl_->heartbeat.joinable()) impl_->heartbeat.join();
}

void Distributed::fail(const std::string& during, const std::exception& e) {
    // Who is gone: a rank that said why (announce_failure), else one whose heartbeat stands still.
    std::string who;
    try {
        std::vector<std::int64_t> before(world_size_);
        for (int r = 0; r < world_size_; ++r)
            if (r != rank_) before[r] = impl_->beats->add("alive/" + std::to_string(r), 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        for (int r = 0; r < world_size_ && who.empty(); ++r) {
            if (r == rank_) continue;
            const std::string key = "failed/" + std::to_string(r);
            if (impl_->beats->check({key})) {
                who = "rank " + std::to_string(r) + " failed: " + text_of(impl_->beats->get(key));
                impl_->beats->add("failure-seen", 1);
            }
        }
        for (int r = 0; r < world_size_ && who.empty(); ++r)
            if (r != rank_ && impl_->beats->add("alive/" + std::to_string(r), 0) == before[r])
                who = "rank " + std::to_string(r) + " is gone (killed, crashed, or its machine unreachable)";
        if (who.empty())
            who = "no rank is known to be gone: one took longer than the timeout of " +
                  std::to_string(impl_->timeout.count()) + " s (--rank-timeout)";
    } catch (const std::exception&) {
        who = "rank 0 is gone (the run's store at " + impl_->addr + ":" + std::to_string(impl_->port) +
              ", which rank 0 serves, no longer answers)";
    }
    throw Error("rank " + std::to_string(rank_) + " stops: " + who + " [" + during + ": " + first_line(e.what()) + "]");
}

void Distributed::announce_failure(const std::string& message) noexcept {
    try {
        impl_->beats->set("failed/" + std::to_string(rank_), bytes_of(first_line(message)));
        // Rank 0 serves the store: it stays a moment, until the others have read why (or 3 s), or
        // they would only learn that it is gone.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        while (rank_ == 0 && impl_->beats->add("failure-seen", 0) < world_size_ - 1 &&
               std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } catch (...) {
    }
}

std::string Distributed::await(const std::string& key, const std::string& what) {
    // Polled rather than a blocking get: a rank that failed before setting the key says so at once,
    // instead of leaving the others waiting for the whole timeout.
    const auto deadline = std::chrono::steady_clock::now() + impl_->timeout;
    try {
        for (;;) {
            if (impl_->ours->check({key})) return text_of(impl_->ours->get(key));
            for (int r = 0; r < world_size_; ++r) {
                const std::string failed = "failed/" + std::to_string(r);
                if (r != rank_ && impl_->ours->check({failed})) {
                    const std::string why = text_of(impl_->ours->get(failed));
                    impl_->ours->add("failure-seen", 1);
                    throw Error("rank " + std::to_string(rank_) + " stops: rank " + std::to_string(r) + " failed: " + why);
                }
            }
            if (std::chrono::steady_clock::now() > deadline)
                throw Error("rank " + std::to_string(rank_) + " stops: " + what + " did not come within " +
                            std::to_string(impl_->timeout.count()) + " s (--rank-timeout)");
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        fail("waiting for " + what, e);
    }
}

void Distributed::agree(const std::string& what, const std::string& text) {
    try {
        impl_->ours->set(what + "/" + std::to_string(rank_), bytes_of(text));
    } catch (const std::exception& e) {
        fail("comparing " + what, e);
    }
    std::string reference, mismatch;
    for (int r = 0; r < world_size_ && mismatch.empty(); ++r) {
        const std::string theirs = await(what + "/" + std::to_string(r), "rank " + std::to_string(r) + "'s " + what);
        if (r == 0) {
            reference = theirs;
            continue;
        }
        if (theirs == reference) continue;
        // The first line that differs, from each side.
        std::istringstream a(reference), b(theirs);
        std::string la, lb;
        while (std::getline(a, la) && std::getline(b, lb) && la == lb) {
        }
        mismatch = "rank " + std::to_string(r) + "'s " + what + " differs from rank 0's: \"" + lb + "\" against \"" + la +
                   "\". Start every rank with the same options";
    }
    // Rank 0 serves the store: it goes on (or stops) once every rank has read what it needed.
    try {
        impl_->ours->add(what + "/read", 1);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (rank_ == 0 && impl_->ours->add(what + "/read", 0) < world_size_ &&
               std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } catch (const std::exception& e) {
        if (mismatch.empty()) fail("comparing " + what, e);
    }
    if (!mismatch.empty()) throw Error(mismatch);
}

std::string Distributed::share(const std::string& key, const std::string& text) {
    try {
        if (rank_ == 0) impl_->ours->set("share/" + key, bytes_of(text));
    } catch (const std::exception& e) {
        fail("sharing " + key, e);
    }
    return await("share/" + key, "rank 0's " + key);
}

std::string Distributed::broadcast_bytes(const std::string& bytes) {
    try {
        std::vector<at::Tensor> size = {torch::tensor(static_cast<std::int64_t>(bytes.size()), torch::kInt64).view({1})};
        impl_->cpu->broadcast(size)->wait();
        const std::int64_t n = size[0].item<std::int64_t>();
        std::vector<at::Tensor> data = {torch::empty({n}, torch::kUInt8)};
        if (rank_ == 0) std::memcpy(data[0].data_ptr(), bytes.data(), bytes.size());
        impl_->cpu->broadcast(data)->wait();
        return std::string(static_cast<const char*>(data[0].data_ptr()), static_cast<std::size_t>(n));
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        fail("receiving rank 0's bytes", e);
    }
}

void Distributed::average(std::vector<torch::Tensor>& tensors) {
    // One flat buffer per device: Gloo and NCCL reduce one tensor (or one per device) per call.
    std::vector<torch::Tensor> flat;
    for (const torch::Tensor& t : tensors) flat.push_back(t.reshape({-1}));
    if (flat.empty()) return;
    std::vector<at::Tensor> buffer = {torch::cat(flat)};
    try {
        (buffer[0].is_cuda() ? impl_->grads : impl_->cpu)->allreduce(buffer)->wait();
    } catch (const std::exception& e) {
        fail("averaging over the ranks", e);
    }
    buffer[0].div_(world_size_);
    std::int64_t at = 0;
    torch::NoGradGuard no_grad;
    for (torch::Tensor& t : tensors) {
        const std::int64_t n = t.numel();
        t.copy_(buffer[0].slice(0, at, at + n).view(t.sizes()));
        at += n;
    }
}

void Distributed::barrier() {
    try {
        impl_->cpu->barrier()->wait();
    } catch (const std::exception& e) {
        fail("waiting for every rank", e);
    }
}

#else  // built without c10d's Gloo backend

struct Distributed::Impl {};

Distributed::Distributed(const RankEnvironment&, const torch::Device&, std::chrono::seconds) {
    throw Error("this stratum was built without torch.distributed's Gloo backend (install libgloo-dev and configure "
                "again; cmake says which backends it found): it trains in one process only");
}
Distributed::~Distributed() = default;
void Distributed::fail(const std::string&, const std::exception& e) { throw Error(e.what()); }
void Distributed::announce_failure(const std::string&) noexcept {}
void Distributed::agree(const std::string&, const std::string&) {}
std::string Distributed::share(const std::string&, const std::string& text) { return text; }
std::string Distributed::await(const std::string&, const std::string&) { return ""; }
std::string Distributed::broadcast_bytes(const std::string& bytes) { return bytes; }
void Distributed::average(std::vector<torch::Tensor>&) {}
void Distributed::barrier() {}

#endif

}  // namespace stratum::train
