#version 300 es
// Softly edged points: round, square (labelled normal) or diamond (labelled anomalous); training
// samples grey and translucent, scored images on a blue-to-yellow ramp by score, flagged images
// ringed in red, selected ones white.
precision mediump float;
in float v_value;
in float v_kind;
in float v_shape;
out vec4 out_color;
vec3 ramp(float t) {
    t = clamp(t, 0.0, 1.0);
    vec3 a = vec3(0.20, 0.35, 0.80), b = vec3(0.25, 0.75, 0.65), c = vec3(0.98, 0.85, 0.30);
    return t < 0.5 ? mix(a, b, t * 2.0) : mix(b, c, t * 2.0 - 1.0);
}
void main() {
    vec2 p = gl_PointCoord * 2.0 - 1.0;
    // A distance that is 1 on the marker's outline: circle, square or diamond.
    float d = v_shape > 1.5 ? abs(p.x) + abs(p.y) : (v_shape > 0.5 ? max(abs(p.x), abs(p.y)) : length(p));
    if (d > 1.0) discard;
    float r = d * d;
    float edge = 1.0 - smoothstep(0.75, 1.0, r);
    vec3 color = ramp(v_value);
    float alpha = 0.9;
    if (v_kind < 0.5) { color = vec3(0.55, 0.55, 0.6); alpha = 0.35; }
    else if (v_kind > 2.5) { color = vec3(1.0); alpha = 1.0; }
    else if (v_kind > 1.5 && r > 0.45) { color = vec3(0.95, 0.3, 0.25); }
    out_color = vec4(color, alpha * edge);
}
