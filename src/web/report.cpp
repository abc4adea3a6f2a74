#include "report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <vector>

#include "anomaly_map.h"
#include "explain.h"
#include "image_write.h"
#include "maps.h"
#include "plot_axes.h"
#include "roc.h"
#include "state.h"
#include "thumbnail.h"

namespace web {
namespace {

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string number(double v, int decimals = 3) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    return text;
}

std::string base64(const std::vector<std::uint8_t>& bytes) {
    static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::uint32_t n = (static_cast<std::uint32_t>(bytes[i]) << 16) |
                                (i + 1 < bytes.size() ? static_cast<std::uint32_t>(bytes[i + 1]) << 8 : 0) |
                                (i + 2 < bytes.size() ? bytes[i + 2] : 0);
        out += digits[(n >> 18) & 63];
        out += digits[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? digits[(n >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? digits[n & 63] : '=';
    }
    return out;
}

// The row's thumbnail as a PNG data URI ("" without one).
std::string thumbnail_uri(const FileRow& r) {
    if (r.thumbnail.size() != static_cast<std::size_t>(kThumbnail) * kThumbnail * 4) return "";
    stratum::Image image;
    image.width = image.height = kThumbnail;
    image.channels = 3;
    for (std::size_t i = 0; i < r.thumbnail.size(); i += 4) image.pixels.insert(image.pixels.end(), &r.thumbnail[i], &r.thumbnail[i] + 3);
    return "data:image/png;base64," + base64(stratum::encode_png(image));
}

std::string histogram_svg(const std::vector<double>& values, double threshold) {
    const double w = 560, h = 180, left = 10, right = 550, axis_y = 150;
    const HistogramAxis axis = histogram_axis(values, threshold);
    const stratum::Histogram hist = stratum::histogram(values, axis.lo, axis.hi, 40);
    const std::size_t peak = std::max<std::size_t>(1, *std::max_element(hist.counts.begin(), hist.counts.end()));
    auto x_of = [&](double v) { return left + (v - axis.lo) / (axis.hi - axis.lo) * (right - left); };
    std::string svg = "<svg class=\"plot\" viewBox=\"0 0 " + number(w, 0) + " " + number(h, 0) + "\" width=\"" + number(w, 0) + "\">";
    const double bw = (right - left) / static_cast<double>(hist.counts.size());
    for (std::size_t i = 0; i < hist.counts.size(); ++i) {
        const double bar = (axis_y - 20) * static_cast<double>(hist.counts[i]) / static_cast<double>(peak);
        const bool above = axis.lo + (static_cast<double>(i) + 0.5) * hist.bin_width() >= threshold;
        svg += "<rect x=\"" + number(left + bw * static_cast<double>(i) + 1, 1) + "\" y=\"" + number(axis_y - bar, 1) + "\" width=\"" +
               number(bw - 2, 1) + "\" height=\"" + number(bar, 1) + "\" fill=\"" + (above ? "#e66e5a" : "#64a0dc") + "\"/>";
    }
    svg += "<line x1=\"" + number(left, 0) + "\" y1=\"" + number(axis_y, 0) + "\" x2=\"" + number(right, 0) + "\" y2=\"" +
           number(axis_y, 0) + "\" stroke=\"#888\"/>";
    for (double t : axis.ticks)
        svg += "<text x=\"" + number(x_of(t), 1) + "\" y=\"" + number(axis_y + 16, 0) + "\" text-anchor=\"middle\">" +
               number(t, axis.decimals) + "</text>";
    const double tx = x_of(threshold);
    svg += "<line x1=\"" + number(tx, 1) + "\" y1=\"10\" x2=\"" + number(tx, 1) + "\" y2=\"" + number(axis_y, 0) +
           "\" stroke=\"#d8b400\" stroke-width=\"2\"/><text x=\"" + number(tx + 4, 1) + "\" y=\"12\">threshold " + number(threshold, 2) +
           "</text>";
    if (axis.above) svg += "<text x=\"" + number(right, 0) + "\" y=\"28\" text-anchor=\"end\">" + std::to_string(axis.above) + " more &gt;</text>";
    if (axis.below) svg += "<text x=\"" + number(left, 0) + "\" y=\"28\">&lt; " + std::to_string(axis.below) + "</text>";
    return svg + "</svg>";
}

std::string roc_svg(const std::vector<stratum::RocPoint>& curve, const stratum::Confusion& at) {
    const double side = 200, pad = 30;
    auto x = [&](double fpr) { return number(pad + fpr * side, 1); };
    auto y = [&](double tpr) { return number(10 + (1 - tpr) * side, 1); };
    std::string svg = "<svg class=\"plot\" viewBox=\"0 0 240 250\" width=\"240\"><rect x=\"" + number(pad, 0) +
                      "\" y=\"10\" width=\"200\" height=\"200\" fill=\"none\" stroke=\"#888\"/><line x1=\"" + x(0) + "\" y1=\"" +
                      y(0) + "\" x2=\"" + x(1) + "\" y2=\"" + y(1) + "\" stroke=\"#bbb\" stroke-dasharray=\"4\"/><polyline fill=\"none\" "
                      "stroke=\"#2a7fd4\" stroke-width=\"2\" points=\"";
    for (const stratum::RocPoint& p : curve) svg += x(p.fpr) + "," + y(p.tpr) + " ";
    const double fpr = at.fp + at.tn ? static_cast<double>(at.fp) / static_cast<double>(at.fp + at.tn) : 0;
    const double tpr = at.tp + at.fn ? static_cast<double>(at.tp) / static_cast<double>(at.tp + at.fn) : 0;
    svg += "\"/><circle cx=\"" + x(fpr) + "\" cy=\"" + y(tpr) + "\" r=\"4\" fill=\"#e66e5a\"/>"
           "<text x=\"130\" y=\"240\" text-anchor=\"middle\">false positive rate</text>"
           "<text x=\"12\" y=\"110\" transform=\"rotate(-90 12 110)\" text-anchor=\"middle\">true positive rate</text></svg>";
    return svg;
}

std::string pca_svg(const AppState& s) {
    const stratum::ModelCard& card = s.model.card;
    double lo[2] = {1e300, 1e300}, hi[2] = {-1e300, -1e300};
    auto add = [&](double x, double y) { lo[0] = std::min(lo[0], x), lo[1] = std::min(lo[1], y), hi[0] = std::max(hi[0], x), hi[1] = std::max(hi[1], y); };
    for (const stratum::ProjectedPoint& p : card.projection_sample) add(p.x, p.y);
    for (const FileRow& r : s.rows)
        if (r.status == FileRow::Status::Scored) add(r.pc[0], r.pc[1]);
    if (!(lo[0] <= hi[0])) return "";
    const double side = 300, extent = std::max({hi[0] - lo[0], hi[1] - lo[1], 1e-9}) * 1.05;
    const double cx = (lo[0] + hi[0]) / 2, cy = (lo[1] + hi[1]) / 2;
    auto x = [&](double v) { return number(side / 2 + (v - cx) / extent * side, 1); };
    auto y = [&](double v) { return number(side / 2 - (v - cy) / extent * side, 1); };
    std::string svg = "<svg class=\"plot\" viewBox=\"0 0 300 300\" width=\"300\"><rect width=\"300\" height=\"300\" fill=\"#fafafa\"/>";
    for (const stratum::ProjectedPoint& p : card.projection_sample)
        svg += "<circle cx=\"" + x(p.x) + "\" cy=\"" + y(p.y) + "\" r=\"2\" fill=\"#aaa\"/>";
    for (const FileRow& r : s.rows)
        if (r.status == FileRow::Status::Scored)
            svg += "<circle cx=\"" + x(r.pc[0]) + "\" cy=\"" + y(r.pc[1]) + "\" r=\"3.5\" fill=\"" + (is_flagged(r) ? "#e66e5a" : "#2a7fd4") +
                   "\"><title>" + escape(r.name) + "</title></circle>";
    return svg + "</svg>";
}

// The most anomalous files' maps that the page has made (the gallery's), each as image | reconstruction |
// overlay, with the map's name, scale and threshold.
std::string maps_section() {
    const stratum::ModelCard& card = app().model.card;
    if (card.maps.empty()) return "";
    std::string items;
    std::size_t shown = 0;
    for (std::size_t row : top_rows(kGalleryFiles)) {
        MapEntry* e = map_entry(app().rows[row].id);
        if (e == nullptr || e->status != MapEntry::Status::Ready) continue;
        draw_map_images(*e);
        const stratum::Image panel = stratum::map_triptych(e->view, e->reconstruction, e->overlay);
        const FileRow& r = app().rows[row];
        const double largest = largest_map_value(*e);
        const double threshold = card.maps[static_cast<std::size_t>(e->drawn_map)].threshold;
        items += "<figure><img class=\"map\" alt=\"\" src=\"data:image/png;base64," + base64(stratum::encode_png(panel)) +
                 "\"><figcaption>" + escape(r.name) + ": score " + number(r.score) +
                 (is_flagged(r) ? " (<span class=\"flag\">anomalous</span>)" : " (normal)") + ", largest map value " +
                 number(largest) + (largest >= threshold ? " (above the map's threshold)" : " (below the map's threshold)") +
                 "</figcaption></figure>";
        ++shown;
    }
    if (shown == 0) return "";
    const stratum::MapSpec& spec = card.maps[static_cast<std::size_t>(std::min<int>(maps().choice, static_cast<int>(card.maps.size()) - 1))];
    const stratum::Image bar = stratum::map_scale_bar(240, 12);
    return "<h2>Maps of the " + std::to_string(shown) + " highest scores</h2><p>Each: the image, its reconstruction G(E(x)) and the " +
           escape(spec.name) + " map over the image (" + escape(spec.description) +
           "): where the image differs from its reconstruction. Colours: <img class=\"scale\" alt=\"colour scale\" src=\"data:image/png;base64," +
           base64(stratum::encode_png(bar)) + "\"> from 0 to twice the threshold; yellow at the threshold (" + number(spec.threshold) +
           ", calibrated per position: " +
           number((1.0 - spec.threshold_quantile) * 100.0, 0) + " % of the training images reach it somewhere). The dimmed border lies outside what the model saw.</p>" +
           items;
}

}  // namespace

std::string report_html(std::size_t top) {
    const AppState& s = app();
    const stratum::ModelCard& card = s.model.card;
    const stratum::ScoreSpec score = chosen_score();
    std::vector<std::size_t> scored;
    std::size_t failed = 0, flagged = 0;
    for (std::size_t i = 0; i < s.rows.size(); ++i) {
        const FileRow& r = s.rows[i];
        if (r.status == FileRow::Status::Failed) ++failed;
        if (r.status != FileRow::Status::Scored) continue;
        scored.push_back(i);
        flagged += is_flagged(r);
    }
    const std::vector<double> values = scored_values();
    const LabelledScores labelled = labelled_scores();
    const std::vector<bool>& labels = labelled.anomalous;
    std::string html =
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>stratum report: " + escape(card.name) +
        "</title><style>body{font:14px/1.45 system-ui,sans-serif;max-width:980px;margin:24px auto;color:#222}"
        "h1{font-size:22px}h2{font-size:17px;margin-top:28px}.muted{color:#666}table{border-collapse:collapse}"
        "td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:middle}"
        "td.n{text-align:right;font-variant-numeric:tabular-nums}.flag{color:#c0392b;font-weight:600}"
        "svg.plot text{font:11px sans-serif;fill:#444}img.thumb{image-rendering:pixelated;width:64px;height:64px}"
        "img.map{max-width:100%;height:auto}img.scale{vertical-align:middle}"
        ".row{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}</style></head><body>";
    html += "<h1>stratum report</h1><p class=\"muted\">Made in the stratum page, in the browser: no image or name "
            "left the machine. Scores after Berg, Ahlberg and Felsberg, arXiv 1905.11034.</p>";
    html += "<h2>Model</h2><p><b>" + escape(card.name) + "</b>: " + escape(stratum::model_summary(card)) + "</p>";
    html += "<h2>Score and threshold</h2><p>The <b>" + escape(score.name) + "</b> score decides: " + escape(score.description) +
            ". Shown calibrated: " + escape(stratum::calibrated_score_meaning()) + ".</p>";
    html += "<p>Threshold <b>" + number(s.threshold.value) + "</b>: " + escape(stratum::threshold_meaning(threshold_choice())) +
            ". Images at or above it are flagged as anomalous.</p>";
    html += "<h2>Counts</h2><p>" + std::to_string(s.rows.size()) + " files: " + std::to_string(scored.size()) + " scored, <span class=\"flag\">" +
            std::to_string(flagged) + " flagged</span>, " + std::to_string(failed) + " could not be read.</p>";
    html += "<div class=\"row\">";
    if (!values.empty()) html += "<div><h2>Scores</h2>" + histogram_svg(values, s.threshold.value) + "</div>";
    const std::size_t anomalous = static_cast<std::size_t>(std::count(labels.begin(), labels.end(), true));
    if (anomalous > 0 && anomalous < labels.size()) {
        const stratum::Confusion c = stratum::confusion_at(labelled.scores, labels, s.threshold.value);
        auto show = [](double v) { return std::isnan(v) ? std::string("n/a") : number(v); };
        html += "<div><h2>Labels</h2><p>AUROC <b>" + number(stratum::auroc(labelled.scores, labels), 4) + "</b> (" +
                std::to_string(labels.size() - anomalous) + " normal, " + std::to_string(anomalous) + " anomalous); at the threshold: precision " +
                show(c.precision()) + ", recall " + show(c.recall()) + ", F1 " + show(c.f1()) + ".</p>" +
                roc_svg(stratum::roc_curve(labelled.scores, labels), c) + "</div>";
    }
    if (card.has_projection && !scored.empty())
        html += "<div><h2>Latent space (PCA)</h2>" + pca_svg(s) +
                "<p class=\"muted\">grey: training images; blue: scored; red: flagged</p></div>";
    html += "</div>";
    std::vector<std::size_t> order = scored;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return s.rows[a].score > s.rows[b].score; });
    if (order.size() > top) order.resize(top);
    if (!order.empty()) {
        html += "<h2>The " + std::to_string(order.size()) + " highest scores</h2><table><tr><th></th><th>file</th><th>score</th>"
                "<th>||z||</th><th>verdict</th><th>label</th><th>note</th></tr>";
        for (std::size_t i : order) {
            const FileRow& r = s.rows[i];
            const std::string uri = thumbnail_uri(r);
            html += "<tr><td>" + (uri.empty() ? std::string() : "<img class=\"thumb\" alt=\"\" src=\"" + uri + "\">") + "</td><td>" + escape(r.name) +
                    "</td><td class=\"n\">" + number(r.score) + "</td><td class=\"n\">" + number(r.norm, 4) + "</td><td" +
                    (is_flagged(r) ? " class=\"flag\">anomalous" : ">normal") + "</td><td>" + escape(r.label_text) + "</td><td>" +
                    escape(r.note) + "</td></tr>";
        }
        html += "</table>";
    }
    html += maps_section();
    if (failed) {
        html += "<h2>Files that could not be read</h2><ul>";
        std::size_t listed = 0;
        for (const FileRow& r : s.rows)
            if (r.status == FileRow::Status::Failed && listed++ < 50) html += "<li>" + escape(r.name) + ": " + escape(r.error) + "</li>";
        if (failed > 50) html += "<li>and " + std::to_string(failed - 50) + " more</li>";
        html += "</ul>";
    }
    return html + "</body></html>\n";
}

}  // namespace web
