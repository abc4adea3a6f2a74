// "Save report": one self-contained HTML file made in the page from what it shows (the model, the
// score and the threshold with what they mean, the counts, the histogram, the ROC when labels are
// known, the PCA plot, and the most anomalous files with their thumbnails and scores), to send to a
// collaborator. Everything is inline (SVG, PNG as data URIs, CSS): the file fetches nothing, and
// nothing is uploaded. App logic: no emscripten, ImGui or GL (tests/web).
#pragma once
#include <cstddef>
#include <string>

namespace web {

// The report of the rows as they stand. `top`: how many of the highest-scoring files are listed with
// their thumbnails. Every file name and text from outside (card, names, labels, notes) is escaped.
std::string report_html(std::size_t top = 24);

}  // namespace web
