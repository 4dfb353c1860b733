# PBU->PBA transactions per CPU-second through the LMA core against live bindings.
# Data (written by bench/report.py): datadir/lma_signalling.dat with columns
#   bindings attach refresh handoff    (transactions per CPU-second)
# Run: gnuplot -e "datadir='...'; out='...'" lma_signalling.gp
set terminal pngcairo size 700,480 font "sans,10"
set output out
set title "LMA core in-process: PBU -> PBA per CPU-second"
set logscale x
set xrange [500:2000000]
set xtics ("1k" 1000, "10k" 10000, "100k" 100000, "1M" 1000000)
set xlabel "live bindings"
set ylabel "transactions per CPU-second"
set yrange [0:*]
set format y "%.0s%c"
set grid
set key top right
file = datadir."/lma_signalling.dat"
plot file using 1:3 with linespoints lw 2 title "refresh (HI 5)", \
     file using 1:4 with linespoints lw 2 title "handoff (HI 3, other MAG)", \
     file using 1:2 with linespoints lw 2 title "attach (HI 1, pool prefix)", \
     200000 with lines dt 2 lc rgb "black" title "issue 6 target"
