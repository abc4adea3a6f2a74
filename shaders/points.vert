#version 300 es
// Scatter points of the latent-space plots: positions in plot units, mapped to clip space by
// scale and offset (zoom and pan), one point sprite each.
precision highp float;
layout(location = 0) in vec2 a_position;
layout(location = 1) in float a_value;  // colour ramp position in [0, 1] (the calibrated score)
// kind + 4 shape: kind 0 training sample, 1 scored image, 2 flagged, 3 selected; shape 0 no label
// (round), 1 labelled normal (square), 2 labelled anomalous (diamond)
layout(location = 2) in float a_kind;
uniform vec2 u_scale;
uniform vec2 u_offset;
uniform float u_size;
out float v_value;
out float v_kind;
out float v_shape;
void main() {
    gl_Position = vec4(a_position * u_scale + u_offset, 0.0, 1.0);
    float kind = mod(a_kind, 4.0);
    gl_PointSize = kind > 2.5 ? u_size * 1.8 : (kind < 0.5 ? u_size * 0.8 : u_size);
    v_value = a_value;
    v_kind = kind;
    v_shape = floor(a_kind / 4.0 + 0.01);
}
