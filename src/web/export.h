// What the page downloads: the results as CSV and the latents as TSV, built by the core's CSV code.
#pragma once
#include <string>

namespace web {

std::string results_csv();   // file,norm,score,verdict,label,pc1,pc2 (errors as verdict "error")
std::string latents_tsv();   // file, then one column per latent value

}  // namespace web
