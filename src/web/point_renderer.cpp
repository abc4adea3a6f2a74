#include "point_renderer.h"

#include <GLES3/gl3.h>

#include <cstddef>
#include <fstream>
#include <sstream>

namespace web {
namespace {

std::string read_shader(const char* path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

GLuint compile(GLenum type, const std::string& source, std::string& error) {
    const GLuint shader = glCreateShader(type);
    const char* text = source.c_str();
    glShaderSource(shader, 1, &text, nullptr);
    glCompileShader(shader);
    GLint ok = 0;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[1024];
        glGetShaderInfoLog(shader, sizeof log, nullptr, log);
        error = log;
        glDeleteShader(shader);
        return 0;
    }
    return shader;
}

}  // namespace

bool PointRenderer::init(std::string& error) {
    const std::string vs_text = read_shader("/shaders/points.vert"), fs_text = read_shader("/shaders/points.frag");
    if (vs_text.empty() || fs_text.empty()) {
        error = "the point shaders are missing from the build";
        return false;
    }
    const GLuint vs = compile(GL_VERTEX_SHADER, vs_text, error);
    const GLuint fs = vs ? compile(GL_FRAGMENT_SHADER, fs_text, error) : 0;
    if (!vs || !fs) return false;
    program_ = glCreateProgram();
    glAttachShader(program_, vs);
    glAttachShader(program_, fs);
    glLinkProgram(program_);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(program_, GL_LINK_STATUS, &ok);
    if (!ok) {
        error = "the point shaders did not link";
        return false;
    }
    u_scale_ = glGetUniformLocation(program_, "u_scale");
    u_offset_ = glGetUniformLocation(program_, "u_offset");
    u_size_ = glGetUniformLocation(program_, "u_size");
    glGenVertexArrays(1, &vao_);
    glGenBuffers(1, &vbo_);
    glBindVertexArray(vao_);
    glBindBuffer(GL_ARRAY_BUFFER, vbo_);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(PlotPoint), reinterpret_cast<void*>(offsetof(PlotPoint, x)));
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 1, GL_FLOAT, GL_FALSE, sizeof(PlotPoint), reinterpret_cast<void*>(offsetof(PlotPoint, value)));
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(2, 1, GL_FLOAT, GL_FALSE, sizeof(PlotPoint), reinterpret_cast<void*>(offsetof(PlotPoint, kind)));
    glBindVertexArray(0);
    glGenFramebuffers(1, &fbo_);
    glGenTextures(1, &texture_);
    return true;
}

unsigned PointRenderer::render(int width, int height, const std::vector<PlotPoint>& points, const PlotTransform& t,
                               float point_size) {
    if (!program_ || width <= 0 || height <= 0) return 0;
    GLint previous_fbo = 0, viewport[4];
    glGetIntegerv(GL_FRAMEBUFFER_BINDING, &previous_fbo);
    glGetIntegerv(GL_VIEWPORT, viewport);
    if (width != width_ || height != height_) {
        glBindTexture(GL_TEXTURE_2D, texture_);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
        glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, texture_, 0);
        width_ = width;
        height_ = height;
    }
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
    glViewport(0, 0, width, height);
    glClearColor(0.10f, 0.10f, 0.13f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    glEnable(GL_BLEND);
    glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
    glUseProgram(program_);
    glUniform2f(u_scale_, t.scale[0], t.scale[1]);
    glUniform2f(u_offset_, t.offset[0], t.offset[1]);
    glUniform1f(u_size_, point_size);
    glBindVertexArray(vao_);
    glBindBuffer(GL_ARRAY_BUFFER, vbo_);
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(points.size() * sizeof(PlotPoint)), points.data(), GL_STREAM_DRAW);
    glDrawArrays(GL_POINTS, 0, static_cast<GLsizei>(points.size()));
    glBindVertexArray(0);
    glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(previous_fbo));
    glViewport(viewport[0], viewport[1], viewport[2], viewport[3]);
    return texture_;
}

}  // namespace web
