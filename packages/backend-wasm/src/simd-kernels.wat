;; SIMD loops for prunebench's wasm training kernels, run on the tfjs wasm backend's own memory
;; (imported), so tensors are read and written in place. Every function walks a row-major
;; [rows, channels] float32 tensor with channels a multiple of 4; per-channel operands are
;; float32 arrays of `channels` values, per-channel accumulators float64 arrays (summed into,
;; so the caller zeroes them). Pointers are byte offsets into the memory.
;; Regenerate simd-kernels-binary.ts after editing: npm run build:wat (node scripts/build-wat.js)
(module
  (import "env" "memory" (memory 1))

  ;; acc[c..c+3] (f64, at byte offset $acc + 2 * $j) += the four float32 lanes of $v.
  (func $flush (param $acc i32) (param $j i32) (param $v v128)
    (local $p i32)
    (local.set $p (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 1))))
    (v128.store (local.get $p)
      (f64x2.add (v128.load (local.get $p)) (f64x2.promote_low_f32x4 (local.get $v))))
    (v128.store offset=16 (local.get $p)
      (f64x2.add (v128.load offset=16 (local.get $p))
        (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))))

  ;; Sums per channel in blocks of 64 rows (a block stays in L1): within a block, each group of
  ;; four channels is summed in float32 registers down the block's rows, then added to the
  ;; float64 accumulators, so precision is that of float64 sums of 64-row float32 partial sums.

  ;; sum[c] += x - shift[c]; squares[c] += (x - shift[c])^2 (both float64).
  (func (export "bnStats") (param $x i32) (param $rows i32) (param $channels i32)
    (param $shift i32) (param $sum i32) (param $squares i32)
    (local $rowBytes i32) (local $r0 i32) (local $rEnd i32) (local $j i32) (local $p i32) (local $pEnd i32)
    (local $sh v128) (local $d v128) (local $s v128) (local $q v128)
    (local.set $rowBytes (i32.shl (local.get $channels) (i32.const 2)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $r0) (local.get $rows)))
        (local.set $rEnd (select (local.get $rows) (i32.add (local.get $r0) (i32.const 64))
          (i32.lt_u (local.get $rows) (i32.add (local.get $r0) (i32.const 64)))))
        (local.set $j (i32.const 0))
        (loop $groups
          (local.set $sh (v128.load (i32.add (local.get $shift) (local.get $j))))
          (local.set $s (v128.const i32x4 0 0 0 0))
          (local.set $q (v128.const i32x4 0 0 0 0))
          (local.set $p (i32.add (i32.add (local.get $x) (i32.mul (local.get $r0) (local.get $rowBytes))) (local.get $j)))
          (local.set $pEnd (i32.add (i32.add (local.get $x) (i32.mul (local.get $rEnd) (local.get $rowBytes))) (local.get $j)))
          (loop $down
            (local.set $d (f32x4.sub (v128.load (local.get $p)) (local.get $sh)))
            (local.set $s (f32x4.add (local.get $s) (local.get $d)))
            (local.set $q (f32x4.add (local.get $q) (f32x4.mul (local.get $d) (local.get $d))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (br_if $down (i32.lt_u (local.get $p) (local.get $pEnd))))
          (call $flush (local.get $sum) (local.get $j) (local.get $s))
          (call $flush (local.get $squares) (local.get $j) (local.get $q))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $groups (i32.lt_u (local.get $j) (local.get $rowBytes))))
        (local.set $r0 (local.get $rEnd))
        (br $blocks))))

  ;; y = (x - mean[c]) * multiplier[c] + offset[c].
  (func (export "bnApply") (param $x i32) (param $y i32) (param $rows i32) (param $channels i32)
    (param $mean i32) (param $multiplier i32) (param $offset i32)
    (local $end i32) (local $rowBytes i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $rowBytes))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $j (i32.const 0))
        (loop $col
          (v128.store (local.get $y)
            (f32x4.add
              (f32x4.mul
                (f32x4.sub (v128.load (local.get $x)) (v128.load (i32.add (local.get $mean) (local.get $j))))
                (v128.load (i32.add (local.get $multiplier) (local.get $j))))
              (v128.load (i32.add (local.get $offset) (local.get $j)))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $y (i32.add (local.get $y) (i32.const 16)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $col (i32.lt_u (local.get $j) (local.get $rowBytes))))
        (br $row))))

  ;; sumDy[c] += dy; sumDyCentred[c] += dy * (x - mean[c]) (both float64; blocked as bnStats).
  (func (export "bnGradSums") (param $x i32) (param $dy i32) (param $rows i32) (param $channels i32)
    (param $mean i32) (param $sumDy i32) (param $sumDyCentred i32)
    (local $rowBytes i32) (local $r0 i32) (local $rEnd i32) (local $j i32) (local $p i32) (local $pEnd i32) (local $delta i32)
    (local $m v128) (local $g v128) (local $s v128) (local $q v128)
    (local.set $rowBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $delta (i32.sub (local.get $dy) (local.get $x)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $r0) (local.get $rows)))
        (local.set $rEnd (select (local.get $rows) (i32.add (local.get $r0) (i32.const 64))
          (i32.lt_u (local.get $rows) (i32.add (local.get $r0) (i32.const 64)))))
        (local.set $j (i32.const 0))
        (loop $groups
          (local.set $m (v128.load (i32.add (local.get $mean) (local.get $j))))
          (local.set $s (v128.const i32x4 0 0 0 0))
          (local.set $q (v128.const i32x4 0 0 0 0))
          (local.set $p (i32.add (i32.add (local.get $x) (i32.mul (local.get $r0) (local.get $rowBytes))) (local.get $j)))
          (local.set $pEnd (i32.add (i32.add (local.get $x) (i32.mul (local.get $rEnd) (local.get $rowBytes))) (local.get $j)))
          (loop $down
            (local.set $g (v128.load (i32.add (local.get $p) (local.get $delta))))
            (local.set $s (f32x4.add (local.get $s) (local.get $g)))
            (local.set $q (f32x4.add (local.get $q)
              (f32x4.mul (local.get $g) (f32x4.sub (v128.load (local.get $p)) (local.get $m)))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (br_if $down (i32.lt_u (local.get $p) (local.get $pEnd))))
          (call $flush (local.get $sumDy) (local.get $j) (local.get $s))
          (call $flush (local.get $sumDyCentred) (local.get $j) (local.get $q))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $groups (i32.lt_u (local.get $j) (local.get $rowBytes))))
        (local.set $r0 (local.get $rEnd))
        (br $blocks))))

  ;; dx = a[c] * dy + b[c] * (x - mean[c]) + k[c].
  (func (export "bnGradApply") (param $x i32) (param $dy i32) (param $dx i32) (param $rows i32) (param $channels i32)
    (param $mean i32) (param $a i32) (param $b i32) (param $k i32)
    (local $end i32) (local $rowBytes i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $rowBytes))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $j (i32.const 0))
        (loop $col
          (v128.store (local.get $dx)
            (f32x4.add
              (f32x4.add
                (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $j))) (v128.load (local.get $dy)))
                (f32x4.mul (v128.load (i32.add (local.get $b) (local.get $j)))
                  (f32x4.sub (v128.load (local.get $x)) (v128.load (i32.add (local.get $mean) (local.get $j))))))
              (v128.load (i32.add (local.get $k) (local.get $j)))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
          (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $col (i32.lt_u (local.get $j) (local.get $rowBytes))))
        (br $row))))
  ;; Layout changes for the filter gradient (float32, sizes in elements).

  ;; src [a, b, c] -> dst [b, a, c], c a multiple of 4: rows of c values copied 16 bytes at a time.
  (func (export "swapLeading") (param $src i32) (param $dst i32) (param $a i32) (param $b i32) (param $c i32)
    (local $rowBytes i32) (local $i i32) (local $j i32) (local $k i32) (local $out i32) (local $dstStride i32)
    (local.set $rowBytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $dstStride (i32.mul (local.get $a) (local.get $rowBytes)))
    (block $doneA
      (loop $overA
        (br_if $doneA (i32.ge_u (local.get $i) (local.get $a)))
        (local.set $out (i32.add (local.get $dst) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $j (i32.const 0))
        (block $doneB
          (loop $overB
            (br_if $doneB (i32.ge_u (local.get $j) (local.get $b)))
            (local.set $k (i32.const 0))
            (loop $copy
              (v128.store (i32.add (local.get $out) (local.get $k)) (v128.load (i32.add (local.get $src) (local.get $k))))
              (local.set $k (i32.add (local.get $k) (i32.const 16)))
              (br_if $copy (i32.lt_u (local.get $k) (local.get $rowBytes))))
            (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
            (local.set $out (i32.add (local.get $out) (local.get $dstStride)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $overB)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $overA))))

  ;; src [a, b, c] -> dst [c, b, a], a and c multiples of 4: 4x4 tiles transposed in registers.
  (func (export "reverse3") (param $src i32) (param $dst i32) (param $a i32) (param $b i32) (param $c i32)
    (local $i i32) (local $j i32) (local $k i32) (local $in i32) (local $out i32)
    (local $srcRow i32) (local $dstRow i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    ;; source stride between consecutive i: b * c floats; destination stride between consecutive k: b * a floats.
    (local.set $srcRow (i32.shl (i32.mul (local.get $b) (local.get $c)) (i32.const 2)))
    (local.set $dstRow (i32.shl (i32.mul (local.get $b) (local.get $a)) (i32.const 2)))
    ;; i outer: the four source rows are read as sequential streams.
    (loop $overI
      (local.set $j (i32.const 0))
      (loop $overJ
          (local.set $k (i32.const 0))
          (loop $overK
            ;; in = src + ((i * b + j) * c + k) * 4
            (local.set $in (i32.add (local.get $src) (i32.shl
              (i32.add (i32.mul (i32.add (i32.mul (local.get $i) (local.get $b)) (local.get $j)) (local.get $c)) (local.get $k))
              (i32.const 2))))
            (local.set $r0 (v128.load (local.get $in)))
            (local.set $r1 (v128.load (i32.add (local.get $in) (local.get $srcRow))))
            (local.set $r2 (v128.load (i32.add (local.get $in) (i32.shl (local.get $srcRow) (i32.const 1)))))
            (local.set $r3 (v128.load (i32.add (local.get $in) (i32.mul (local.get $srcRow) (i32.const 3)))))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
            (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
            (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
            ;; out = dst + ((k * b + j) * a + i) * 4
            (local.set $out (i32.add (local.get $dst) (i32.shl
              (i32.add (i32.mul (i32.add (i32.mul (local.get $k) (local.get $b)) (local.get $j)) (local.get $a)) (local.get $i))
              (i32.const 2))))
            (v128.store (local.get $out)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
            (v128.store (i32.add (local.get $out) (local.get $dstRow))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
            (v128.store (i32.add (local.get $out) (i32.shl (local.get $dstRow) (i32.const 1)))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
            (v128.store (i32.add (local.get $out) (i32.mul (local.get $dstRow) (i32.const 3)))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3)))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br_if $overK (i32.lt_u (local.get $k) (local.get $c))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $overJ (i32.lt_u (local.get $j) (local.get $b))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $overI (i32.lt_u (local.get $i) (local.get $a)))))
  ;; Filter gradient of an NHWC conv, dw[i, j, ci, co] += sum over n, oh, ow of
  ;; x[n, oh*s + i - padTop, ow*s + j - padLeft, ci] * dy[n, oh, ow, co], taps outside x skipped;
  ;; ci a multiple of 4, co a multiple of 8; dw [kh, kw, ci, co] is accumulated into (zero it).
  ;; x's pixels are xc floats apart and dy's dyc (xc <= ci, dyc <= co): a pruned width needs no
  ;; zero-padded copy. Lanes past xc or dyc read the next pixel's values (or up to 7 floats past
  ;; the tensor: the caller keeps that inside the memory) and only reach dw rows ci >= xc and
  ;; columns co >= dyc, which the caller crops away.
  ;; For each output row and tap, a 4 x 8 block of dw stays in registers while the row's valid
  ;; pixels stream by (x and dy rows are in L1): an outer product per pixel, no layout change.
  (func (export "convFilterGrad")
    (param $x i32) (param $dy i32) (param $dw i32)
    (param $n i32) (param $h i32) (param $w i32) (param $ci i32)
    (param $oh i32) (param $ow i32) (param $co i32)
    (param $kh i32) (param $kw i32) (param $stride i32) (param $padTop i32) (param $padLeft i32)
    (param $xc i32) (param $dyc i32)
    (local $b i32) (local $r i32) (local $i i32) (local $j i32) (local $ih i32)
    (local $owLo i32) (local $owHi i32) (local $c4 i32) (local $o8 i32) (local $p i32)
    (local $xRow i32) (local $dyRow i32) (local $acc i32) (local $xp i32) (local $dp i32) (local $dEnd i32)
    (local $xStep i32) (local $dyPixel i32) (local $xPixel i32) (local $dwRow i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $d0 v128) (local $d1 v128) (local $s v128)
    (local.set $dyPixel (i32.shl (local.get $dyc) (i32.const 2)))
    (local.set $xPixel (i32.shl (local.get $xc) (i32.const 2)))
    (local.set $dwRow (i32.shl (local.get $co) (i32.const 2)))
    (local.set $xStep (i32.mul (local.get $stride) (local.get $xPixel)))
    (local.set $b (i32.const 0))
    (loop $overBatch
      (local.set $r (i32.const 0))
      (loop $overRows
        ;; dy row [b, r, :, :]
        (local.set $dyRow (i32.add (local.get $dy)
          (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $r)) (i32.mul (local.get $ow) (local.get $dyPixel)))))
        (local.set $i (i32.const 0))
        (loop $overTapRows
          (local.set $ih (i32.sub (i32.add (i32.mul (local.get $r) (local.get $stride)) (local.get $i)) (local.get $padTop)))
          (if (i32.and (i32.ge_s (local.get $ih) (i32.const 0)) (i32.lt_s (local.get $ih) (local.get $h)))
            (then
              (local.set $j (i32.const 0))
              (loop $overTapCols
                ;; valid ow: 0 <= ow*s + j - padLeft < w
                (local.set $owLo (i32.const 0))
                (if (i32.gt_s (local.get $padLeft) (local.get $j))
                  (then (local.set $owLo (i32.div_s
                    (i32.add (i32.sub (local.get $padLeft) (local.get $j)) (i32.sub (local.get $stride) (i32.const 1)))
                    (local.get $stride)))))
                ;; owHi = min(ow, ceil((w + padLeft - j) / s))
                (local.set $owHi (i32.sub (i32.add (local.get $w) (local.get $padLeft)) (local.get $j)))
                (local.set $owHi (select (i32.div_s (i32.add (local.get $owHi) (i32.sub (local.get $stride) (i32.const 1))) (local.get $stride))
                  (i32.const 0) (i32.gt_s (local.get $owHi) (i32.const 0))))
                (if (i32.gt_s (local.get $owHi) (local.get $ow)) (then (local.set $owHi (local.get $ow))))
                (if (i32.lt_s (local.get $owLo) (local.get $owHi))
                  (then
                    ;; x at [b, ih, owLo*s + j - padLeft, 0]
                    (local.set $xRow (i32.add (local.get $x) (i32.mul
                      (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $ih)) (local.get $w))
                        (i32.sub (i32.add (i32.mul (local.get $owLo) (local.get $stride)) (local.get $j)) (local.get $padLeft)))
                      (local.get $xPixel))))
                    (local.set $c4 (i32.const 0))
                    (loop $overCi
                      (local.set $o8 (i32.const 0))
                      (loop $overCo
                        ;; acc = &dw[i, j, c4, o8]
                        (local.set $acc (i32.add (local.get $dw) (i32.add
                          (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $i) (local.get $kw)) (local.get $j)) (local.get $ci)) (local.get $c4))
                            (local.get $dwRow))
                          (i32.shl (local.get $o8) (i32.const 2)))))
                        (local.set $a0 (v128.load (local.get $acc)))
                        (local.set $a1 (v128.load offset=16 (local.get $acc)))
                        (local.set $p (i32.add (local.get $acc) (local.get $dwRow)))
                        (local.set $a2 (v128.load (local.get $p)))
                        (local.set $a3 (v128.load offset=16 (local.get $p)))
                        (local.set $p (i32.add (local.get $p) (local.get $dwRow)))
                        (local.set $a4 (v128.load (local.get $p)))
                        (local.set $a5 (v128.load offset=16 (local.get $p)))
                        (local.set $p (i32.add (local.get $p) (local.get $dwRow)))
                        (local.set $a6 (v128.load (local.get $p)))
                        (local.set $a7 (v128.load offset=16 (local.get $p)))
                        (local.set $xp (i32.add (local.get $xRow) (i32.shl (local.get $c4) (i32.const 2))))
                        (local.set $dp (i32.add (local.get $dyRow)
                          (i32.add (i32.mul (local.get $owLo) (local.get $dyPixel)) (i32.shl (local.get $o8) (i32.const 2)))))
                        (local.set $dEnd (i32.add (local.get $dyRow)
                          (i32.add (i32.mul (local.get $owHi) (local.get $dyPixel)) (i32.shl (local.get $o8) (i32.const 2)))))
                        (loop $pixels
                          (local.set $d0 (v128.load (local.get $dp)))
                          (local.set $d1 (v128.load offset=16 (local.get $dp)))
                          (local.set $s (v128.load32_splat (local.get $xp)))
                          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (local.get $d0))))
                          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (local.get $d1))))
                          (local.set $s (v128.load32_splat offset=4 (local.get $xp)))
                          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $s) (local.get $d0))))
                          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $s) (local.get $d1))))
                          (local.set $s (v128.load32_splat offset=8 (local.get $xp)))
                          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $s) (local.get $d0))))
                          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $s) (local.get $d1))))
                          (local.set $s (v128.load32_splat offset=12 (local.get $xp)))
                          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $s) (local.get $d0))))
                          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $s) (local.get $d1))))
                          (local.set $xp (i32.add (local.get $xp) (local.get $xStep)))
                          (local.set $dp (i32.add (local.get $dp) (local.get $dyPixel)))
                          (br_if $pixels (i32.lt_u (local.get $dp) (local.get $dEnd))))
                        (v128.store (local.get $acc) (local.get $a0))
                        (v128.store offset=16 (local.get $acc) (local.get $a1))
                        (local.set $p (i32.add (local.get $acc) (local.get $dwRow)))
                        (v128.store (local.get $p) (local.get $a2))
                        (v128.store offset=16 (local.get $p) (local.get $a3))
                        (local.set $p (i32.add (local.get $p) (local.get $dwRow)))
                        (v128.store (local.get $p) (local.get $a4))
                        (v128.store offset=16 (local.get $p) (local.get $a5))
                        (local.set $p (i32.add (local.get $p) (local.get $dwRow)))
                        (v128.store (local.get $p) (local.get $a6))
                        (v128.store offset=16 (local.get $p) (local.get $a7))
                        (local.set $o8 (i32.add (local.get $o8) (i32.const 8)))
                        (br_if $overCo (i32.lt_u (local.get $o8) (local.get $co))))
                      (local.set $c4 (i32.add (local.get $c4) (i32.const 4)))
                      (br_if $overCi (i32.lt_u (local.get $c4) (local.get $ci))))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br_if $overTapCols (i32.lt_u (local.get $j) (local.get $kw))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $overTapRows (i32.lt_u (local.get $i) (local.get $kh))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $overRows (i32.lt_u (local.get $r) (local.get $oh))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $overBatch (i32.lt_u (local.get $b) (local.get $n)))))
  ;; ReLU's gradient, dx = dy * step(x) with tfjs's step: 1 for x > 0, NaN for NaN, else 0 (so a
  ;; NaN or infinite dy still gives NaN where x <= 0, as dy * 0 does); count a multiple of 4.
  (func (export "reluGrad") (param $x i32) (param $dy i32) (param $dx i32) (param $count i32)
    (local $end i32) (local $v v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (v128.load (local.get $x)))
        (v128.store (local.get $dx)
          (f32x4.mul (v128.load (local.get $dy))
            (v128.or
              (v128.and (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1))
              (v128.and (f32x4.ne (local.get $v) (local.get $v)) (local.get $v)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
        (br $each))))
  ;; Input gradient of an NHWC conv, dx[n, oh*s + i - padTop, ow*s + j - padLeft, ci] +=
  ;; sum over co of dy[n, oh, ow, co] * wT[i, j, co, ci], taps landing outside dx skipped;
  ;; wT is the filter [kh, kw, co, ci] (in/out swapped), ci a multiple of 8; dx is accumulated
  ;; into (zero it). Per dy row and tap, 4 pixels x 8 channels of dx stay in registers while
  ;; the reduction over co streams dy and wT rows from L1; leftover pixels go one at a time.
  (func (export "convInputGrad")
    (param $dy i32) (param $wT i32) (param $dx i32)
    (param $n i32) (param $h i32) (param $w i32) (param $ci i32)
    (param $oh i32) (param $ow i32) (param $co i32)
    (param $kh i32) (param $kw i32) (param $stride i32) (param $padTop i32) (param $padLeft i32)
    (local $b i32) (local $r i32) (local $i i32) (local $j i32) (local $ih i32)
    (local $owLo i32) (local $owHi i32) (local $c8 i32) (local $q i32)
    (local $dyRow i32) (local $dxRow i32) (local $tap i32) (local $px i32) (local $dp i32) (local $wp i32) (local $wEnd i32)
    (local $pxStep i32) (local $coBytes i32) (local $ciBytes i32) (local $tapBytes i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $w0 v128) (local $w1 v128) (local $s v128)
    (local.set $coBytes (i32.shl (local.get $co) (i32.const 2)))
    (local.set $ciBytes (i32.shl (local.get $ci) (i32.const 2)))
    (local.set $tapBytes (i32.mul (local.get $co) (local.get $ciBytes)))
    ;; dx distance between the pixels of consecutive dy columns
    (local.set $pxStep (i32.mul (local.get $stride) (local.get $ciBytes)))
    (local.set $b (i32.const 0))
    (loop $overBatch
      (local.set $r (i32.const 0))
      (loop $overRows
        (local.set $dyRow (i32.add (local.get $dy)
          (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $r)) (i32.mul (local.get $ow) (local.get $coBytes)))))
        (local.set $i (i32.const 0))
        (loop $overTapRows
          (local.set $ih (i32.sub (i32.add (i32.mul (local.get $r) (local.get $stride)) (local.get $i)) (local.get $padTop)))
          (if (i32.and (i32.ge_s (local.get $ih) (i32.const 0)) (i32.lt_s (local.get $ih) (local.get $h)))
            (then
              (local.set $j (i32.const 0))
              (loop $overTapCols
                (local.set $owLo (i32.const 0))
                (if (i32.gt_s (local.get $padLeft) (local.get $j))
                  (then (local.set $owLo (i32.div_s
                    (i32.add (i32.sub (local.get $padLeft) (local.get $j)) (i32.sub (local.get $stride) (i32.const 1)))
                    (local.get $stride)))))
                (local.set $owHi (i32.sub (i32.add (local.get $w) (local.get $padLeft)) (local.get $j)))
                (local.set $owHi (select (i32.div_s (i32.add (local.get $owHi) (i32.sub (local.get $stride) (i32.const 1))) (local.get $stride))
                  (i32.const 0) (i32.gt_s (local.get $owHi) (i32.const 0))))
                (if (i32.gt_s (local.get $owHi) (local.get $ow)) (then (local.set $owHi (local.get $ow))))
                (if (i32.lt_s (local.get $owLo) (local.get $owHi))
                  (then
                    ;; dx pixel of dy column owLo: [b, ih, owLo*s + j - padLeft, 0]
                    (local.set $dxRow (i32.add (local.get $dx) (i32.mul
                      (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $ih)) (local.get $w))
                        (i32.sub (i32.add (i32.mul (local.get $owLo) (local.get $stride)) (local.get $j)) (local.get $padLeft)))
                      (local.get $ciBytes))))
                    (local.set $tap (i32.add (local.get $wT) (i32.mul (i32.add (i32.mul (local.get $i) (local.get $kw)) (local.get $j)) (local.get $tapBytes))))
                    (local.set $c8 (i32.const 0))
                    (loop $overCi
                      (local.set $q (local.get $owLo))
                      ;; four dy columns at a time
                      (block $fourDone
                        (loop $four
                          (br_if $fourDone (i32.gt_s (i32.add (local.get $q) (i32.const 4)) (local.get $owHi)))
                          (local.set $px (i32.add (i32.add (local.get $dxRow)
                            (i32.mul (i32.sub (local.get $q) (local.get $owLo)) (local.get $pxStep))) (i32.shl (local.get $c8) (i32.const 2))))
                          (local.set $a0 (v128.load (local.get $px)))
                          (local.set $a1 (v128.load offset=16 (local.get $px)))
                          (local.set $a2 (v128.load (i32.add (local.get $px) (local.get $pxStep))))
                          (local.set $a3 (v128.load offset=16 (i32.add (local.get $px) (local.get $pxStep))))
                          (local.set $a4 (v128.load (i32.add (local.get $px) (i32.shl (local.get $pxStep) (i32.const 1)))))
                          (local.set $a5 (v128.load offset=16 (i32.add (local.get $px) (i32.shl (local.get $pxStep) (i32.const 1)))))
                          (local.set $a6 (v128.load (i32.add (local.get $px) (i32.mul (local.get $pxStep) (i32.const 3)))))
                          (local.set $a7 (v128.load offset=16 (i32.add (local.get $px) (i32.mul (local.get $pxStep) (i32.const 3)))))
                          (local.set $dp (i32.add (local.get $dyRow) (i32.mul (local.get $q) (local.get $coBytes))))
                          (local.set $wp (i32.add (local.get $tap) (i32.shl (local.get $c8) (i32.const 2))))
                          (local.set $wEnd (i32.add (local.get $wp) (local.get $tapBytes)))
                          (loop $reduce
                            (local.set $w0 (v128.load (local.get $wp)))
                            (local.set $w1 (v128.load offset=16 (local.get $wp)))
                            (local.set $s (v128.load32_splat (local.get $dp)))
                            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (local.get $w0))))
                            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (local.get $w1))))
                            (local.set $s (v128.load32_splat (i32.add (local.get $dp) (local.get $coBytes))))
                            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $s) (local.get $w0))))
                            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $s) (local.get $w1))))
                            (local.set $s (v128.load32_splat (i32.add (local.get $dp) (i32.shl (local.get $coBytes) (i32.const 1)))))
                            (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $s) (local.get $w0))))
                            (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $s) (local.get $w1))))
                            (local.set $s (v128.load32_splat (i32.add (local.get $dp) (i32.mul (local.get $coBytes) (i32.const 3)))))
                            (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $s) (local.get $w0))))
                            (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $s) (local.get $w1))))
                            (local.set $dp (i32.add (local.get $dp) (i32.const 4)))
                            (local.set $wp (i32.add (local.get $wp) (local.get $ciBytes)))
                            (br_if $reduce (i32.lt_u (local.get $wp) (local.get $wEnd))))
                          (v128.store (local.get $px) (local.get $a0))
                          (v128.store offset=16 (local.get $px) (local.get $a1))
                          (v128.store (i32.add (local.get $px) (local.get $pxStep)) (local.get $a2))
                          (v128.store offset=16 (i32.add (local.get $px) (local.get $pxStep)) (local.get $a3))
                          (v128.store (i32.add (local.get $px) (i32.shl (local.get $pxStep) (i32.const 1))) (local.get $a4))
                          (v128.store offset=16 (i32.add (local.get $px) (i32.shl (local.get $pxStep) (i32.const 1))) (local.get $a5))
                          (v128.store (i32.add (local.get $px) (i32.mul (local.get $pxStep) (i32.const 3))) (local.get $a6))
                          (v128.store offset=16 (i32.add (local.get $px) (i32.mul (local.get $pxStep) (i32.const 3))) (local.get $a7))
                          (local.set $q (i32.add (local.get $q) (i32.const 4)))
                          (br $four)))
                      ;; the remaining columns one at a time
                      (block $oneDone
                        (loop $one
                          (br_if $oneDone (i32.ge_s (local.get $q) (local.get $owHi)))
                          (local.set $px (i32.add (i32.add (local.get $dxRow)
                            (i32.mul (i32.sub (local.get $q) (local.get $owLo)) (local.get $pxStep))) (i32.shl (local.get $c8) (i32.const 2))))
                          (local.set $a0 (v128.load (local.get $px)))
                          (local.set $a1 (v128.load offset=16 (local.get $px)))
                          (local.set $dp (i32.add (local.get $dyRow) (i32.mul (local.get $q) (local.get $coBytes))))
                          (local.set $wp (i32.add (local.get $tap) (i32.shl (local.get $c8) (i32.const 2))))
                          (local.set $wEnd (i32.add (local.get $wp) (local.get $tapBytes)))
                          (loop $reduceOne
                            (local.set $s (v128.load32_splat (local.get $dp)))
                            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (v128.load (local.get $wp)))))
                            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $wp)))))
                            (local.set $dp (i32.add (local.get $dp) (i32.const 4)))
                            (local.set $wp (i32.add (local.get $wp) (local.get $ciBytes)))
                            (br_if $reduceOne (i32.lt_u (local.get $wp) (local.get $wEnd))))
                          (v128.store (local.get $px) (local.get $a0))
                          (v128.store offset=16 (local.get $px) (local.get $a1))
                          (local.set $q (i32.add (local.get $q) (i32.const 1)))
                          (br $one)))
                      (local.set $c8 (i32.add (local.get $c8) (i32.const 8)))
                      (br_if $overCi (i32.lt_u (local.get $c8) (local.get $ci))))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br_if $overTapCols (i32.lt_u (local.get $j) (local.get $kw))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $overTapRows (i32.lt_u (local.get $i) (local.get $kh))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $overRows (i32.lt_u (local.get $r) (local.get $oh))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $overBatch (i32.lt_u (local.get $b) (local.get $n)))))
)
