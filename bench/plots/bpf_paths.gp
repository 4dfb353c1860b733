# ns/packet of each BPF path against the number of bindings, one panel per inner packet size.
# Data (written by bench/report.py): datadir/bpf_paths_<size>.dat with columns
#   bindings floor fib_lookup_only mag_encap mag_decap lma_encap lma_decap
# Run: gnuplot -e "datadir='...'; out='...'" bpf_paths.gp
set terminal pngcairo size 1100,480 font "sans,10"
set output out
set multiplot layout 1,2 title "xpmip XDP paths under BPF\\_PROG\\_RUN (median ns per packet)"
set logscale x
set xrange [0.7:1500000]
set xtics ("1" 1, "10" 10, "100" 100, "1k" 1000, "10k" 10000, "100k" 100000, "1M" 1000000)
set xlabel "/64 bindings in the maps"
set ylabel "ns per packet"
set yrange [0:*]
set grid
set key below
do for [size in "64 1400"] {
  set title sprintf("%s-byte inner packets", size)
  file = sprintf("%s/bpf_paths_%s.dat", datadir, size)
  plot file using 1:4 with linespoints lw 2 title "MAG encap", \
       file using 1:5 with linespoints lw 2 title "MAG decap", \
       file using 1:6 with linespoints lw 2 title "LMA encap", \
       file using 1:7 with linespoints lw 2 title "LMA decap", \
       file using 1:3 with lines dt 2 lw 2 title "FIB lookup alone", \
       file using 1:2 with lines dt 3 lw 2 lc rgb "black" title "XDP\\_PASS floor"
}
unset multiplot
