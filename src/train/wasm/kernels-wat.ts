/**
 * The source of the WebAssembly SIMD kernels (./kernels-wasm.ts holds them assembled): this
 * module writes their text format (WAT). It is TypeScript only because the register-blocked
 * loops repeat one line per accumulator; the helpers below spell each repetition once. The
 * semantics of every kernel are those of the TypeScript reference (../kernels.ts), which the
 * tests compare them against; only the order of additions differs.
 *
 * All kernels address one linear memory of doubles: every argument named like a buffer is an
 * index in doubles (not bytes) into it. Vectors are f64x2 (two doubles); there is no fused
 * multiply-add in wasm SIMD, so every step is a mul then an add, rounded as in plain JS.
 * Loads need no alignment in wasm; rows of odd length simply straddle 16-byte boundaries.
 *
 * Blocking (each chosen so that one load feeds several multiply-adds, with at most ~12 vector
 * registers live, under the 16 of x86-64 / 32 of arm64):
 *   mv      4 weight rows × 2 samples  (8 accumulators; per 2 columns: 4 weight + 2 input loads)
 *   mtv     8 columns × 2 samples      (8 accumulators; per row: 4 weight loads + 2 splats)
 *   wg      4 rows × 4 columns         (8 accumulators; per sample: 2 input loads + 4 splats)
 *   colsum  4 rows                     (2 accumulators)
 * and the cell of a step forward (cellStd, cellSeed; with a vector e^x) and backward
 * (cellBackStd, cellBackSeed), two hidden units at a time.
 * with smaller blocks for the leftovers (one sample, fewer columns, a last odd column).
 */

const get = (name: string) => `(local.get ${name})`;
const set = (name: string, value: string) => `(local.set ${name} ${value})`;
const i32 = (v: number) => `(i32.const ${v})`;
const add = (a: string, b: string) => `(i32.add ${a} ${b})`;
const mul = (a: string, b: string) => `(i32.mul ${a} ${b})`;
/** Index in doubles → byte address. */
const bytes = (index: string) => `(i32.shl ${index} ${i32(3)})`;
const off = (o: number) => (o === 0 ? "" : ` offset=${o}`);
const vload = (addr: string, o = 0) => `(v128.load${off(o)} ${addr})`;
const vsplat = (addr: string, o = 0) => `(v128.load64_splat${off(o)} ${addr})`;
const vstore = (addr: string, value: string, o = 0) => `(v128.store${off(o)} ${addr} ${value})`;
const fload = (addr: string, o = 0) => `(f64.load${off(o)} ${addr})`;
const fstore = (addr: string, value: string, o = 0) => `(f64.store${off(o)} ${addr} ${value})`;
const vzero = "(v128.const f64x2 0 0)";
/** acc += a · b (two lanes). */
const vmac = (acc: string, a: string, b: string) => set(acc, `(f64x2.add ${get(acc)} (f64x2.mul ${a} ${b}))`);
/** Sum of the two lanes. */
const hsum = (v: string) => `(f64.add (f64x2.extract_lane 0 ${get(v)}) (f64x2.extract_lane 1 ${get(v)}))`;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const locals = (names: string[], type: string) => names.map((n) => `(local ${n} ${type})`).join(" ");

/** `while (cond) { body }` with a fresh label. */
let labels = 0;
function whileLoop(cond: string, body: string[]): string[] {
  const id = labels++;
  return [`(block $done${id} (loop $again${id}`, `  (br_if $done${id} (i32.eqz ${cond}))`, ...body.map((l) => `  ${l}`), `  (br $again${id})))`];
}

/**
 * mv: dst[d + n·dS + r] += Σ_k w[wo + r·C + k] · src[s + n·sS + k]   for r < R, n < count.
 * R must be a multiple of 4. Matrix × vector for each sample; for a batch, a matrix product.
 */
function mv(): string {
  const W = range(4).map((i) => `$w${i}`);
  const acc = (i: number, j: number) => `$a${i}${j}`;
  /** One pass over the columns for rows r..r+3 and samples n..n+S-1. */
  const pass = (S: number): string[] => {
    const lines: string[] = [];
    for (let j = 0; j < S; j++) lines.push(set(`$s${j}`, bytes(add(get("$s"), mul(add(get("$n"), i32(j)), get("$sS"))))));
    for (let i = 0; i < 4; i++) for (let j = 0; j < S; j++) lines.push(set(acc(i, j), vzero));
    lines.push(set("$kb", i32(0)));
    const body: string[] = [];
    for (let j = 0; j < S; j++) body.push(set(`$x${j}`, vload(add(get(`$s${j}`), get("$kb")))));
    for (let i = 0; i < 4; i++) {
      body.push(set("$v", vload(add(get(W[i]!), get("$kb")))));
      for (let j = 0; j < S; j++) body.push(vmac(acc(i, j), get("$v"), get(`$x${j}`)));
    }
    body.push(set("$kb", add(get("$kb"), i32(16))));
    lines.push(...whileLoop(`(i32.lt_u ${get("$kb")} ${get("$kEnd")})`, body));
    for (let j = 0; j < S; j++) {
      lines.push(set("$o", bytes(add(add(get("$d"), mul(add(get("$n"), i32(j)), get("$dS"))), get("$r")))));
      for (let i = 0; i < 4; i++) {
        lines.push(set("$t", hsum(acc(i, j))));
        // An odd last column, outside the vector loop.
        const tail = `(f64.mul ${fload(add(get(W[i]!), get("$kEnd")))} ${fload(add(get(`$s${j}`), get("$kEnd")))})`;
        lines.push(`(if ${get("$odd")} (then ${set("$t", `(f64.add ${get("$t")} ${tail})`)}))`);
        lines.push(fstore(get("$o"), `(f64.add ${fload(get("$o"), 8 * i)} ${get("$t")})`, 8 * i));
      }
    }
    return lines;
  };
  const rowBlock: string[] = [set("$w0", bytes(add(get("$wo"), mul(get("$r"), get("$C")))))];
  for (let i = 1; i < 4; i++) rowBlock.push(set(W[i]!, add(get(W[i - 1]!), get("$rowB"))));
  rowBlock.push(set("$n", i32(0)));
  rowBlock.push(...whileLoop(`(i32.lt_u ${add(get("$n"), i32(1))} ${get("$count")})`, [...pass(2), set("$n", add(get("$n"), i32(2)))]));
  rowBlock.push(`(if (i32.lt_u ${get("$n")} ${get("$count")}) (then`, ...pass(1), "))");
  rowBlock.push(set("$r", add(get("$r"), i32(4))));
  return [
    `(func (export "mv") (param $wo i32) (param $R i32) (param $C i32) (param $s i32) (param $sS i32) (param $count i32) (param $d i32) (param $dS i32)`,
    locals(["$r", "$n", "$kb", "$kEnd", "$rowB", "$odd", ...W, "$s0", "$s1", "$o"], "i32"),
    locals(["$x0", "$x1", "$v", ...range(4).flatMap((i) => [acc(i, 0), acc(i, 1)])], "v128"),
    "(local $t f64)",
    set("$rowB", bytes(get("$C"))),
    set("$kEnd", bytes(`(i32.and ${get("$C")} ${i32(-2)})`)),
    set("$odd", `(i32.and ${get("$C")} ${i32(1)})`),
    set("$r", i32(0)),
    ...whileLoop(`(i32.lt_u ${get("$r")} ${get("$R")})`, rowBlock),
    ")",
  ].join("\n");
}

/**
 * mtv: out[o + n·oS + k] += Σ_r w[wo + r·C + k] · dv[d + n·dS + r]   for k < C, n < count.
 * Transposed matrix × vector (a gradient carried back through w), or for a batch a product.
 */
function mtv(): string {
  const acc = (j: number, v: number) => `$a${j}${v}`;
  /** Columns kb.. (V vectors) for samples n..n+S-1, over every row. */
  const colPass = (S: number, V: number): string[] => {
    const lines: string[] = [];
    for (let j = 0; j < S; j++) for (let v = 0; v < V; v++) lines.push(set(acc(j, v), vload(add(get(`$o${j}`), get("$kb")), 16 * v)));
    lines.push(set("$wp", add(bytes(get("$wo")), get("$kb"))));
    for (let j = 0; j < S; j++) lines.push(set(`$p${j}`, get(`$q${j}`)));
    lines.push(set("$r", i32(0)));
    const body: string[] = [];
    for (let j = 0; j < S; j++) body.push(set(`$e${j}`, vsplat(get(`$p${j}`))));
    for (let v = 0; v < V; v++) {
      body.push(set("$v", vload(get("$wp"), 16 * v)));
      for (let j = 0; j < S; j++) body.push(vmac(acc(j, v), get("$v"), get(`$e${j}`)));
    }
    body.push(set("$wp", add(get("$wp"), get("$rowB"))));
    for (let j = 0; j < S; j++) body.push(set(`$p${j}`, add(get(`$p${j}`), i32(8))));
    body.push(set("$r", add(get("$r"), i32(1))));
    lines.push(...whileLoop(`(i32.lt_u ${get("$r")} ${get("$R")})`, body));
    for (let j = 0; j < S; j++) for (let v = 0; v < V; v++) lines.push(vstore(add(get(`$o${j}`), get("$kb")), get(acc(j, v)), 16 * v));
    lines.push(set("$kb", add(get("$kb"), i32(16 * V))));
    return lines;
  };
  /** The odd last column, scalar. */
  const lastColumn = (S: number): string[] => {
    const lines: string[] = [];
    for (let j = 0; j < S; j++) lines.push(set(`$f${j}`, fload(add(get(`$o${j}`), get("$kEnd")))));
    lines.push(set("$wp", add(bytes(get("$wo")), get("$kEnd"))));
    for (let j = 0; j < S; j++) lines.push(set(`$p${j}`, get(`$q${j}`)));
    lines.push(set("$r", i32(0)));
    const body: string[] = [];
    for (let j = 0; j < S; j++) body.push(set(`$f${j}`, `(f64.add ${get(`$f${j}`)} (f64.mul ${fload(get("$wp"))} ${fload(get(`$p${j}`))}))`));
    body.push(set("$wp", add(get("$wp"), get("$rowB"))));
    for (let j = 0; j < S; j++) body.push(set(`$p${j}`, add(get(`$p${j}`), i32(8))));
    body.push(set("$r", add(get("$r"), i32(1))));
    lines.push(...whileLoop(`(i32.lt_u ${get("$r")} ${get("$R")})`, body));
    for (let j = 0; j < S; j++) lines.push(fstore(add(get(`$o${j}`), get("$kEnd")), get(`$f${j}`)));
    return lines;
  };
  const samples = (S: number): string[] => {
    const lines: string[] = [];
    for (let j = 0; j < S; j++) {
      lines.push(set(`$o${j}`, bytes(add(get("$o"), mul(add(get("$n"), i32(j)), get("$oS"))))));
      lines.push(set(`$q${j}`, bytes(add(get("$d"), mul(add(get("$n"), i32(j)), get("$dS"))))));
    }
    lines.push(set("$kb", i32(0)));
    for (const V of [4, 2, 1]) lines.push(...whileLoop(`(i32.le_u ${add(get("$kb"), i32(16 * V))} ${get("$kEnd")})`, colPass(S, V)));
    lines.push(`(if ${get("$odd")} (then`, ...lastColumn(S), "))");
    return lines;
  };
  return [
    `(func (export "mtv") (param $o i32) (param $oS i32) (param $C i32) (param $wo i32) (param $R i32) (param $d i32) (param $dS i32) (param $count i32)`,
    locals(["$n", "$r", "$kb", "$kEnd", "$rowB", "$odd", "$wp", "$o0", "$o1", "$q0", "$q1", "$p0", "$p1"], "i32"),
    locals(["$v", "$e0", "$e1", ...range(2).flatMap((j) => range(4).map((v) => acc(j, v)))], "v128"),
    "(local $f0 f64) (local $f1 f64)",
    set("$rowB", bytes(get("$C"))),
    set("$kEnd", bytes(`(i32.and ${get("$C")} ${i32(-2)})`)),
    set("$odd", `(i32.and ${get("$C")} ${i32(1)})`),
    set("$n", i32(0)),
    ...whileLoop(`(i32.lt_u ${add(get("$n"), i32(1))} ${get("$count")})`, [...samples(2), set("$n", add(get("$n"), i32(2)))]),
    `(if (i32.lt_u ${get("$n")} ${get("$count")}) (then`,
    ...samples(1),
    "))",
    ")",
  ].join("\n");
}

/**
 * wg: a weight gradient, s[r, k] = Σ_n dv[d + n·dS + r] · a[ao + n·aS + k]   (r < R, k < C,
 * n < count), then dst[at + r·C + k] −= lr · s[r, k] when `sgd` is 1 (the fused SGD update)
 * or dst[at + r·C + k] = s[r, k] when it is 0. R must be a multiple of 4.
 */
function wg(): string {
  const acc = (i: number, v: number) => `$a${i}${v}`;
  const put = (addr: string, value: string, o: number) =>
    `(if ${get("$sgd")} (then ${vstore(addr, `(f64x2.sub ${vload(addr, o)} (f64x2.mul ${get("$lrv")} ${value}))`, o)}) (else ${vstore(addr, value, o)}))`;
  /** Rows r..r+3, columns kb.. (V vectors), summed over every sample. */
  const colPass = (V: number): string[] => {
    const lines: string[] = [];
    for (let i = 0; i < 4; i++) for (let v = 0; v < V; v++) lines.push(set(acc(i, v), vzero));
    lines.push(set("$dp", bytes(add(get("$d"), get("$r")))));
    lines.push(set("$ap", add(bytes(get("$ao")), get("$kb"))));
    lines.push(set("$n", i32(0)));
    const body: string[] = [];
    for (let v = 0; v < V; v++) body.push(set(`$x${v}`, vload(get("$ap"), 16 * v)));
    for (let i = 0; i < 4; i++) {
      body.push(set("$e", vsplat(get("$dp"), 8 * i)));
      for (let v = 0; v < V; v++) body.push(vmac(acc(i, v), get("$e"), get(`$x${v}`)));
    }
    body.push(set("$dp", add(get("$dp"), get("$dSB"))));
    body.push(set("$ap", add(get("$ap"), get("$aSB"))));
    body.push(set("$n", add(get("$n"), i32(1))));
    lines.push(...whileLoop(`(i32.lt_u ${get("$n")} ${get("$count")})`, body));
    for (let i = 0; i < 4; i++) {
      lines.push(set("$q", add(bytes(add(get("$at"), mul(add(get("$r"), i32(i)), get("$C")))), get("$kb"))));
      for (let v = 0; v < V; v++) lines.push(put(get("$q"), get(acc(i, v)), 16 * v));
    }
    lines.push(set("$kb", add(get("$kb"), i32(16 * V))));
    return lines;
  };
  /** The odd last column, scalar, rows r..r+3. */
  const lastColumn = (): string[] => {
    const lines: string[] = [];
    for (let i = 0; i < 4; i++) lines.push(set(`$f${i}`, "(f64.const 0)"));
    lines.push(set("$dp", bytes(add(get("$d"), get("$r")))));
    lines.push(set("$ap", add(bytes(get("$ao")), get("$kEnd"))));
    lines.push(set("$n", i32(0)));
    const body: string[] = [set("$u", fload(get("$ap")))];
    for (let i = 0; i < 4; i++) body.push(set(`$f${i}`, `(f64.add ${get(`$f${i}`)} (f64.mul ${fload(get("$dp"), 8 * i)} ${get("$u")}))`));
    body.push(set("$dp", add(get("$dp"), get("$dSB"))));
    body.push(set("$ap", add(get("$ap"), get("$aSB"))));
    body.push(set("$n", add(get("$n"), i32(1))));
    lines.push(...whileLoop(`(i32.lt_u ${get("$n")} ${get("$count")})`, body));
    for (let i = 0; i < 4; i++) {
      lines.push(set("$q", add(bytes(add(get("$at"), mul(add(get("$r"), i32(i)), get("$C")))), get("$kEnd"))));
      lines.push(
        `(if ${get("$sgd")} (then ${fstore(get("$q"), `(f64.sub ${fload(get("$q"))} (f64.mul ${get("$lr")} ${get(`$f${i}`)}))`)}) (else ${fstore(get("$q"), get(`$f${i}`))}))`,
      );
    }
    return lines;
  };
  const rowBlock: string[] = [set("$kb", i32(0))];
  for (const V of [2, 1]) rowBlock.push(...whileLoop(`(i32.le_u ${add(get("$kb"), i32(16 * V))} ${get("$kEnd")})`, colPass(V)));
  rowBlock.push(`(if ${get("$odd")} (then`, ...lastColumn(), "))");
  rowBlock.push(set("$r", add(get("$r"), i32(4))));
  return [
    `(func (export "wg") (param $at i32) (param $R i32) (param $C i32) (param $d i32) (param $dS i32) (param $ao i32) (param $aS i32) (param $count i32) (param $sgd i32) (param $lr f64)`,
    locals(["$r", "$n", "$kb", "$kEnd", "$odd", "$dp", "$ap", "$dSB", "$aSB", "$q"], "i32"),
    locals(["$lrv", "$e", "$x0", "$x1", ...range(4).flatMap((i) => [acc(i, 0), acc(i, 1)])], "v128"),
    locals(["$u", "$f0", "$f1", "$f2", "$f3"], "f64"),
    set("$lrv", `(f64x2.splat ${get("$lr")})`),
    set("$kEnd", bytes(`(i32.and ${get("$C")} ${i32(-2)})`)),
    set("$odd", `(i32.and ${get("$C")} ${i32(1)})`),
    set("$dSB", bytes(get("$dS"))),
    set("$aSB", bytes(get("$aS"))),
    set("$r", i32(0)),
    ...whileLoop(`(i32.lt_u ${get("$r")} ${get("$R")})`, rowBlock),
    ")",
  ].join("\n");
}

/**
 * colsum: a bias gradient, s[r] = Σ_n dv[d + n·dS + r]  (r < R, n < count), then
 * dst[at + r] −= lr · s[r] (`sgd` 1) or dst[at + r] = s[r] (`sgd` 0). R must be a multiple of 4.
 */
function colsum(): string {
  const body = [set("$a0", `(f64x2.add ${get("$a0")} ${vload(get("$dp"))})`), set("$a1", `(f64x2.add ${get("$a1")} ${vload(get("$dp"), 16)})`)];
  body.push(set("$dp", add(get("$dp"), get("$dSB"))), set("$n", add(get("$n"), i32(1))));
  const put = (o: number, a: string) =>
    `(if ${get("$sgd")} (then ${vstore(get("$q"), `(f64x2.sub ${vload(get("$q"), o)} (f64x2.mul ${get("$lrv")} ${get(a)}))`, o)}) (else ${vstore(get("$q"), get(a), o)}))`;
  const rowBlock = [
    set("$a0", vzero),
    set("$a1", vzero),
    set("$dp", bytes(add(get("$d"), get("$r")))),
    set("$n", i32(0)),
    ...whileLoop(`(i32.lt_u ${get("$n")} ${get("$count")})`, body),
    set("$q", bytes(add(get("$at"), get("$r")))),
    put(0, "$a0"),
    put(16, "$a1"),
    set("$r", add(get("$r"), i32(4))),
  ];
  return [
    `(func (export "colsum") (param $at i32) (param $R i32) (param $d i32) (param $dS i32) (param $count i32) (param $sgd i32) (param $lr f64)`,
    locals(["$r", "$n", "$dp", "$dSB", "$q"], "i32"),
    locals(["$lrv", "$a0", "$a1"], "v128"),
    set("$lrv", `(f64x2.splat ${get("$lr")})`),
    set("$dSB", bytes(get("$dS"))),
    set("$r", i32(0)),
    ...whileLoop(`(i32.lt_u ${get("$r")} ${get("$R")})`, rowBlock),
    ")",
  ].join("\n");
}

/** A v128 constant of two equal doubles. */
const vconst = (x: number) => `(v128.const f64x2 ${String(x)} ${String(x)})`;
const ONE = vconst(1);
/** 1/n! for n = 0..13: the Taylor series of e^r, ample on |r| ≤ ln2/2 (the next term is < 5e-18). */
/** 1.5·2^52: x + MAGIC − MAGIC rounds x to an integer (ties to even), for |x| < 2^51. */
const MAGIC = 6755399441055744;
const EXP_COEFFS = Array.from({ length: 14 }, (_, n) => 1 / Array.from({ length: n }, (__, i) => i + 1).reduce((a, b) => a * b, 1));

/**
 * dst = e^x, two lanes (x a v128 expression). Clamped to [−708, 709] (so 2^k stays a normal
 * double; beyond, the sigmoid and tanh below are already 0, 1 or ±1 to the last bit); then
 * x = k·ln2 + r with k = round(x / ln2) and ln2 split in two (fdlibm's ln2_hi, whose k·ln2_hi is
 * exact, and ln2_lo); e^r by its Taylor polynomial; 2^k built in the exponent bits. About 2 ulp from Math.exp.
 */
function expInto(dst: string, x: string): string[] {
  const lines = [
    // pmax/pmin are x86's maxpd/minpd (wasm's min/max add NaN and −0 fix-ups); x first, so NaN passes.
    set("$er", `(f64x2.pmin (f64x2.pmax ${x} ${vconst(-708)}) ${vconst(709)})`),
    // Adding 1.5·2^52 rounds x/ln2 to an integer k held in the low mantissa bits of $es.
    set("$es", `(f64x2.add (f64x2.mul ${get("$er")} ${vconst(Math.LOG2E)}) ${vconst(MAGIC)})`),
    set("$ek", `(f64x2.sub ${get("$es")} ${vconst(MAGIC)})`),
    set("$er", `(f64x2.sub (f64x2.sub ${get("$er")} (f64x2.mul ${get("$ek")} ${vconst(6.93147180369123816490e-1)})) (f64x2.mul ${get("$ek")} ${vconst(1.90821492927058770002e-10)}))`),
  ];
  // Estrin's scheme (pairs, then pairs of pairs by r², r⁴, r⁸): a dependency chain of 8
  // operations instead of Horner's 26, so the four gates' e^x overlap in the pipeline.
  const c = (n: number) => vconst(EXP_COEFFS[n]!);
  const madd = (a: string, b: string, m: string) => `(f64x2.add ${a} (f64x2.mul ${b} ${m}))`;
  const pair = (n: number) => madd(c(n), c(n + 1), get("$er"));
  lines.push(set("$r2", `(f64x2.mul ${get("$er")} ${get("$er")})`));
  lines.push(set("$r4", `(f64x2.mul ${get("$r2")} ${get("$r2")})`));
  lines.push(set("$ep", madd(madd(pair(0), pair(2), get("$r2")), madd(pair(4), pair(6), get("$r2")), get("$r4"))));
  lines.push(set("$eq", madd(madd(pair(8), pair(10), get("$r2")), pair(12), get("$r4"))));
  lines.push(set("$ep", madd(get("$ep"), get("$eq"), `(f64x2.mul ${get("$r4")} ${get("$r4")})`)));
  // 2^k: k (the low bits of $es; the magic's own bits shift out) into the exponent field, plus the bias.
  const twoToK = `(i64x2.add (i64x2.shl ${get("$es")} (i32.const 52)) (v128.const i64x2 0x3ff0000000000000 0x3ff0000000000000))`;
  lines.push(set(dst, `(f64x2.mul ${get("$ep")} ${twoToK})`));
  return lines;
}

/** dst = σ(x) = 1 / (1 + e^−x). */
const sigmoidInto = (dst: string, x: string) => [...expInto(dst, `(f64x2.neg ${x})`), set(dst, `(f64x2.div ${ONE} (f64x2.add ${ONE} ${get(dst)}))`)];
/** dst = tanh(x) = 1 − 2 / (1 + e^2x) (absolute error ~1e-16; ±1 exactly for large |x|). */
const tanhInto = (dst: string, x: string) => [
  ...expInto(dst, `(f64x2.add ${x} ${x})`),
  set(dst, `(f64x2.sub ${ONE} (f64x2.div ${vconst(2)} (f64x2.add ${ONE} ${get(dst)})))`),
];

/**
 * How the cell kernels load and store one hidden unit's values: PAIR, two units as one f64x2;
 * SINGLE, an odd last unit splatted into both lanes (and lane 0 stored), so the same code serves.
 */
interface Access {
  ld: (addr: string, o?: number) => string;
  st: (addr: string, v: string, o?: number) => string;
}
const PAIR: Access = { ld: vload, st: vstore };
const SINGLE: Access = {
  ld: (addr, o = 0) => `(f64x2.splat ${fload(addr, o)})`,
  st: (addr, v, o = 0) => fstore(addr, `(f64x2.extract_lane 0 ${v})`, o),
};

/** The loop over one sample's hidden units: pairs while $jb < $jEnd (bytes), then the odd one. */
function overUnits(body: (access: Access) => string[]): string[] {
  return [
    set("$jb", i32(0)),
    ...whileLoop(`(i32.lt_u ${get("$jb")} ${get("$jEnd")})`, [...body(PAIR), set("$jb", add(get("$jb"), i32(16)))]),
    `(if ${get("$odd")} (then`,
    ...body(SINGLE),
    "))",
  ];
}

/**
 * What the cell kernels (forward and backward) set up before their loop over samples: the byte
 * strides of one gate block (H, 2H, 3H doubles), the end of the unit pairs, whether H is odd.
 */
function cellPrologue(): string[] {
  return [
    set("$HB", bytes(get("$H"))),
    set("$HB2", add(get("$HB"), get("$HB"))),
    set("$HB3", add(get("$HB2"), get("$HB"))),
    set("$jEnd", bytes(`(i32.and ${get("$H")} ${i32(-2)})`)),
    set("$odd", `(i32.and ${get("$H")} ${i32(1)})`),
    set("$b", i32(0)),
  ];
}

/**
 * The cell of one step for nb samples (z at act, activated in place; c_prev at cp; c, h and,
 * for the standard cell, tanh(c) written at cn, hn, tc; per-sample strides 4H and H):
 *   i, f, o = σ(z);  g = tanh(z)
 *   cellStd:   c = f·c_prev + i·g;  h = o·tanh(c)
 *   cellSeed:  c = g·i + c_prev·f;  h = c·o
 * Two hidden units per pass; an odd last unit goes through the same code on a splatted double.
 */
function cell(kind: "std" | "seed"): string {
  const body = ({ ld, st }: Access): string[] => {
    const g = (q: string) => add(get(q), get("$jb"));
    const lines = [
      set("$q", add(get("$aG"), get("$jb"))),
      ...sigmoidInto("$i", ld(get("$q"))),
      ...sigmoidInto("$f", ld(add(get("$q"), get("$HB")))),
      ...tanhInto("$g", ld(add(get("$q"), get("$HB2")))),
      ...sigmoidInto("$o", ld(add(get("$q"), get("$HB3")))),
      st(get("$q"), get("$i")),
      st(add(get("$q"), get("$HB")), get("$f")),
      st(add(get("$q"), get("$HB2")), get("$g")),
      st(add(get("$q"), get("$HB3")), get("$o")),
    ];
    if (kind === "std") {
      lines.push(set("$c", `(f64x2.add (f64x2.mul ${get("$f")} ${ld(g("$pC"))}) (f64x2.mul ${get("$i")} ${get("$g")}))`));
      lines.push(st(g("$nC"), get("$c")));
      lines.push(...tanhInto("$t", get("$c")));
      lines.push(st(g("$tC"), get("$t")));
      lines.push(st(g("$nH"), `(f64x2.mul ${get("$o")} ${get("$t")})`));
    } else {
      lines.push(set("$c", `(f64x2.add (f64x2.mul ${get("$g")} ${get("$i")}) (f64x2.mul ${ld(g("$pC"))} ${get("$f")}))`));
      lines.push(st(g("$nC"), get("$c")));
      lines.push(st(g("$nH"), `(f64x2.mul ${get("$c")} ${get("$o")})`));
    }
    return lines;
  };
  const perSample = [
    set("$aG", bytes(add(get("$act"), mul(get("$b"), `(i32.shl ${get("$H")} ${i32(2)})`)))),
    set("$pC", bytes(add(get("$cp"), mul(get("$b"), get("$H"))))),
    set("$nC", bytes(add(get("$cn"), mul(get("$b"), get("$H"))))),
    set("$nH", bytes(add(get("$hn"), mul(get("$b"), get("$H"))))),
    set("$tC", bytes(add(get("$tc"), mul(get("$b"), get("$H"))))),
    ...overUnits(body),
    set("$b", add(get("$b"), i32(1))),
  ];
  return [
    `(func (export "cell${kind === "std" ? "Std" : "Seed"}") (param $act i32) (param $cp i32) (param $cn i32) (param $hn i32) (param $tc i32) (param $H i32) (param $nb i32)`,
    locals(["$b", "$jb", "$jEnd", "$odd", "$HB", "$HB2", "$HB3", "$aG", "$pC", "$nC", "$nH", "$tC", "$q"], "i32"),
    locals(["$i", "$f", "$g", "$o", "$c", "$t", "$er", "$es", "$ek", "$ep", "$eq", "$r2", "$r4"], "v128"),
    ...cellPrologue(),
    ...whileLoop(`(i32.lt_u ${get("$b")} ${get("$nb")})`, perSample),
    ")",
  ].join("\n");
}

/**
 * The cell's backward of one step for nb samples (per-sample strides 4H for act and dz, H for
 * the rest; cp is c_prev; x is tanh(c) for the standard cell, c for the seed cell):
 *   dh = dh_above + dh_next
 *   std:  do = dh·tanh(c);  dc = dc_next + dh·o·(1 − tanh²(c))
 *   seed: do = dh·c;        dc = dc_next + o·dh
 *   dz_i = i(1−i)·(g·dc)  dz_f = f(1−f)·(c_prev·dc)  dz_g = (1−g²)·(i·dc)  dz_o = o(1−o)·do
 *   dc_next ← dc·f
 * the same operations in the same order as the reference: equal to the last bit.
 */
function cellBack(kind: "std" | "seed"): string {
  const fm = (a: string, b: string) => `(f64x2.mul ${a} ${b})`;
  const fa = (a: string, b: string) => `(f64x2.add ${a} ${b})`;
  const fs = (a: string, b: string) => `(f64x2.sub ${a} ${b})`;
  const body = ({ ld, st }: Access): string[] => {
    const at = (q: string) => add(get(q), get("$jb"));
    const lines = [
      set("$q", add(get("$aG"), get("$jb"))),
      set("$z", add(get("$zG"), get("$jb"))),
      set("$i", ld(get("$q"))),
      set("$f", ld(add(get("$q"), get("$HB")))),
      set("$g", ld(add(get("$q"), get("$HB2")))),
      set("$o", ld(add(get("$q"), get("$HB3")))),
      set("$dh", fa(ld(at("$pDh")), ld(at("$pDhN")))),
      set("$x", ld(at("$pX"))),
    ];
    if (kind === "std") {
      lines.push(set("$do", fm(get("$dh"), get("$x"))));
      lines.push(set("$dc", fa(ld(at("$pDcN")), fm(fm(get("$dh"), get("$o")), fs(ONE, fm(get("$x"), get("$x")))))));
    } else {
      lines.push(set("$do", fm(get("$dh"), get("$x"))));
      lines.push(set("$dc", fa(ld(at("$pDcN")), fm(get("$o"), get("$dh")))));
    }
    lines.push(
      st(get("$z"), fm(fm(get("$i"), fs(ONE, get("$i"))), fm(get("$g"), get("$dc")))),
      st(add(get("$z"), get("$HB")), fm(fm(get("$f"), fs(ONE, get("$f"))), fm(ld(at("$pC")), get("$dc")))),
      st(add(get("$z"), get("$HB2")), fm(fs(ONE, fm(get("$g"), get("$g"))), fm(get("$i"), get("$dc")))),
      st(add(get("$z"), get("$HB3")), fm(fm(get("$o"), fs(ONE, get("$o"))), get("$do"))),
      st(at("$pDcN"), fm(get("$dc"), get("$f"))),
    );
    return lines;
  };
  const row = (name: string, base: string) => set(name, bytes(add(get(base), mul(get("$b"), get("$H")))));
  const perSample = [
    set("$aG", bytes(add(get("$act"), mul(get("$b"), `(i32.shl ${get("$H")} ${i32(2)})`)))),
    set("$zG", bytes(add(get("$dz"), mul(get("$b"), `(i32.shl ${get("$H")} ${i32(2)})`)))),
    row("$pDh", "$dhA"),
    row("$pDhN", "$dhN"),
    row("$pDcN", "$dcN"),
    row("$pC", "$cp"),
    row("$pX", "$xs"),
    ...overUnits(body),
    set("$b", add(get("$b"), i32(1))),
  ];
  return [
    `(func (export "cellBack${kind === "std" ? "Std" : "Seed"}") (param $act i32) (param $dz i32) (param $dhA i32) (param $dhN i32) (param $dcN i32) (param $cp i32) (param $xs i32) (param $H i32) (param $nb i32)`,
    locals(["$b", "$jb", "$jEnd", "$odd", "$HB", "$HB2", "$HB3", "$aG", "$zG", "$q", "$z", "$pDh", "$pDhN", "$pDcN", "$pC", "$pX"], "i32"),
    locals(["$i", "$f", "$g", "$o", "$dh", "$x", "$do", "$dc"], "v128"),
    ...cellPrologue(),
    ...whileLoop(`(i32.lt_u ${get("$b")} ${get("$nb")})`, perSample),
    ")",
  ].join("\n");
}

/** The whole module: one imported memory (env.memory), eight exported kernels. */
export function kernelsWat(): string {
  labels = 0; // the same text on every call
  return ["(module", '(import "env" "memory" (memory 1))', mv(), mtv(), wg(), colsum(), cell("std"), cell("seed"), cellBack("std"), cellBack("seed"), ")", ""].join("\n");
}
