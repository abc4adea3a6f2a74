// Draws many points with the shaders in shaders/ into a texture that ImGui shows as an image:
// 10,000 points cost one draw call.
#pragma once
#include <string>
#include <vector>

namespace web {

struct PlotPoint {
    float x, y;   // plot units
    float value;  // colour ramp position in [0, 1]
    float kind;   // 0 training sample, 1 scored, 2 flagged, 3 selected; + 4 labelled normal, + 8 labelled anomalous
};

struct PlotTransform {
    float scale[2];   // plot units to clip space
    float offset[2];
};

class PointRenderer {
public:
    // Compiles the shaders (embedded at /shaders); false with a reason when WebGL refuses them.
    bool init(std::string& error);
    // Renders into the renderer's texture (resized to width x height) and returns it.
    unsigned render(int width, int height, const std::vector<PlotPoint>& points, const PlotTransform& t,
                    float point_size);

private:
    unsigned program_ = 0, vao_ = 0, vbo_ = 0, fbo_ = 0, texture_ = 0;
    int width_ = 0, height_ = 0;
    int u_scale_ = -1, u_offset_ = -1, u_size_ = -1;
};

}  // namespace web
