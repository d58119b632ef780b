;; SIMD loops for prunebench's wasm training kernels, run on the tfjs wasm backend's own memory
;; (imported), so tensors are read and written in place. Every function walks a row-major
;; [rows, channels] float32 tensor with channels a multiple of 4; per-channel operands are
;; float32 arrays of `channels` values, per-channel accumulators float64 arrays (summed into,
;; so the caller zeroes them). Pointers are byte offsets into the memory.
;; Regenerate simd-kernels-binary.ts after editing: node scripts/build-wat.js
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
)
