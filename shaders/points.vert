#version 300 es
// Scatter points of the latent-space plots: positions in plot units, mapped to clip space by
// scale and offset (zoom and pan), one point sprite each.
precision highp float;
layout(location = 0) in vec2 a_position;
layout(location = 1) in float a_value;  // colour ramp position in [0, 1] (the calibrated score)
layout(location = 2) in float a_kind;   // 0 training sample, 1 scored image, 2 flagged, 3 selected
uniform vec2 u_scale;
uniform vec2 u_offset;
uniform float u_size;
out float v_value;
out float v_kind;
void main() {
    gl_Position = vec4(a_position * u_scale + u_offset, 0.0, 1.0);
    gl_PointSize = a_kind > 2.5 ? u_size * 1.8 : (a_kind < 0.5 ? u_size * 0.8 : u_size);
    v_value = a_value;
    v_kind = a_kind;
}
