set terminal pngcairo size 900,520 font 'DejaVu Sans,11' noenhanced
set grid
set style fill transparent solid 0.4
set output 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_norm_hist.png'
set title 'neutrophil_p0.10_s2_w8-64px-aug-izif: ||E(x)|| of normal and anomalous test images'
set xlabel '||E(x)||'
set ylabel 'share of images'
plot 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_norm_hist.tsv' using 1:2 with boxes title 'normal', '' using 1:3 with boxes title 'anomalous'
set output 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_roc.png'
set title 'neutrophil_p0.10_s2_w8-64px-aug-izif: ROC curves'
set xlabel 'false positive rate'
set ylabel 'true positive rate'
set key outside right
set size ratio -1
plot 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_roc.tsv' index 0 with lines lw 2 title 'norm', 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_roc.tsv' index 1 with lines lw 2 title 'norm_deviation', 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_roc.tsv' index 2 with lines lw 2 title 'reconstruction', 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_roc.tsv' index 3 with lines lw 2 title 'feature', 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_roc.tsv' index 4 with lines lw 2 title 'combined', 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_roc.tsv' index 5 with lines lw 2 title 'pca_pixels', 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_roc.tsv' index 6 with lines lw 2 title 'brightness', 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_roc.tsv' index 7 with lines lw 2 title 'colour', 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_roc.tsv' index 8 with lines lw 2 title 'feature_max', 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_roc.tsv' index 9 with lines lw 2 title 'critic_gaussian', 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_roc.tsv' index 10 with lines lw 2 title 'critic_knn', 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_roc.tsv' index 11 with lines lw 2 title 'encoder_gaussian', 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_roc.tsv' index 12 with lines lw 2 title 'untrained_colour', 'docs/results-recipe/pbc-recipe-cpu_neutrophil_p0.10_s2_w8-64px-aug-izif_roc.tsv' index 13 with lines lw 2 title 'pixel_colour', x with lines dt 2 lc 'grey' notitle
