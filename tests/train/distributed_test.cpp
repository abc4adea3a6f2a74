// Data parallelism without a network (distributed.h, DataParallel in steps.h): each rank's rows of a
// batch, the critic's minibatch-stddev groups they keep, and the mean of the ranks' gradients against
// the gradient one process takes on the whole batch. The ranks are simulated one after the other in
// this process; tests/train/distributed.sh runs real ones over Gloo.
#include "distributed.h"
#include "steps.h"
#undef CHECK

#include <catch2/catch.hpp>
#include <set>

#include "error.h"

using namespace stratum::train;

namespace {

NetConfig tiny_net() {
    NetConfig n;
    n.resolution = 8;
    n.channels = 3;
    n.fmap_base = 32;
    n.fmap_max = 8;
    n.latent = 6;
    return n;
}

std::vector<std::int64_t> values(const torch::Tensor& t) {
    const torch::Tensor c = t.contiguous();
    return {c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel()};
}

}  // namespace

TEST_CASE("shard_rows splits a batch into the ranks' shares of whole minibatch-stddev groups", "[distributed]") {
    CHECK(values(shard_rows(8, 4, 1, 0)) == std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7});
    // Batch 16 in groups of 4: row i is in group i mod 4 (minibatch_stddev's [group, n / group] view).
    CHECK(values(shard_rows(16, 4, 2, 0)) == std::vector<std::int64_t>{0, 1, 4, 5, 8, 9, 12, 13});
    CHECK(values(shard_rows(16, 4, 2, 1)) == std::vector<std::int64_t>{2, 3, 6, 7, 10, 11, 14, 15});
    std::set<std::int64_t> all;
    for (int r = 0; r < 4; ++r)
        for (std::int64_t i : values(shard_rows(64, 4, 4, r))) CHECK(all.insert(i).second);  // no row twice
    CHECK(all.size() == 64);
    CHECK_THROWS_WITH(shard_rows(12, 4, 2, 0), Catch::Contains("must be a multiple of 8"));
    CHECK_THROWS_WITH(shard_rows(8, 4, 4, 0), Catch::Contains("must be a multiple of 16"));
    CHECK(stddev_group(6, 4) == 3);
    CHECK(values(shard_rows(6, 4, 1, 0)).size() == 6);
}

TEST_CASE("each rank's rows give the minibatch-stddev values of the whole batch", "[distributed]") {
    torch::manual_seed(3);
    const torch::Tensor x = torch::randn({16, 5, 4, 4});
    const torch::Tensor whole = minibatch_stddev(x, 4);  // the oracle: one process, whole batch
    for (int rank = 0; rank < 2; ++rank) {
        const torch::Tensor rows = shard_rows(16, 4, 2, rank);
        const torch::Tensor mine = minibatch_stddev(x.index_select(0, rows), 4);
        CHECK(torch::allclose(mine, whole.index_select(0, rows), 1e-6, 1e-7));
    }
    // A plain split into halves would pool other images together: the test above means something.
    const torch::Tensor half = minibatch_stddev(x.slice(0, 0, 8), 4);
    CHECK_FALSE(torch::allclose(half, whole.slice(0, 0, 8), 1e-3, 1e-4));
}

TEST_CASE("the mean of two ranks' gradients is the gradient of one process on the whole batch", "[distributed]") {
    const NetConfig net = tiny_net();
    const int top = net.stages();
    const std::int64_t batch = 16;
    // One step from a fresh start (seeded), its gradients taken where they would be averaged.
    enum Step { critic, generator, encoder };
    auto gradients = [&](Step step, int world, int rank) {
        torch::manual_seed(9);
        Models m(net, /*rotation_weight=*/step == critic ? 1.0 : 0.0);  // the rotation head's turns too
        Optimizers o(m, 0.001);
        const torch::Tensor real = torch::rand({batch, 3, 8, 8}) * 2 - 1;
        DataParallel parallel;
        parallel.world_size = world;
        parallel.rank = rank;
        std::vector<torch::Tensor> taken;
        parallel.average = [&](std::vector<torch::Tensor>& g) {
            for (const torch::Tensor& t : g) taken.push_back(t.clone());
        };
        Losses l;
        if (step == critic) critic_step(m, o, parallel.mine(real, 4), top, 1.0, 0.9, l, parallel);
        if (step == generator) generator_step(m, o, batch, top, 1.0, l, parallel);
        if (step == encoder) encoder_step(m, o, batch, top, 1.0, l, parallel);
        return taken;
    };
    for (Step step : {critic, generator, encoder}) {
        INFO("step " << step);
        const std::vector<torch::Tensor> one = gradients(step, 1, 0);
        const std::vector<torch::Tensor> r0 = gradients(step, 2, 0), r1 = gradients(step, 2, 1);
        REQUIRE(!one.empty());
        REQUIRE(r0.size() == one.size());
        REQUIRE(r1.size() == one.size());
        double worst = 0, scale = 0;
        for (std::size_t i = 0; i < one.size(); ++i) {
            worst = std::max(worst, ((r0[i] + r1[i]) / 2 - one[i]).abs().max().item<double>());
            scale = std::max(scale, one[i].abs().max().item<double>());
        }
        INFO("largest gradient " << scale << ", largest difference " << worst);
        CHECK(scale > 0);
        // Float32 sums taken in another order: a few units of the last place of the largest gradient.
        CHECK(worst <= 1e-5 * scale);
        // And the ranks' own gradients differ: each saw only its half.
        CHECK_FALSE(torch::allclose(r0[0], one[0], 1e-3, 1e-6));
    }
}
