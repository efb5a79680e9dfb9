/**
 * A minimal WebAssembly binary encoder: enough to write the colour stage's SIMD kernels as code (no
 * toolchain, no binary blob in the repository). One module = one imported memory (env.memory, shared or
 * not, so that worker threads can run the same code on the same pixels) and a few exported functions.
 * Opcodes follow the WebAssembly core spec and the fixed-width SIMD proposal's final encoding (prefix
 * 0xFD, LEB128 sub-opcode); WebAssembly.validate checks the result.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

function uleb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

function sleb(n: number, out: number[]): void {
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** SIMD sub-opcodes used by the kernels. */
export const SIMD = {
  load: 0x00,
  load32Splat: 0x09,
  store: 0x0b,
  const: 0x0c,
  shuffle: 0x0d,
  i32x4Splat: 0x11,
  f32x4Splat: 0x13,
  i32x4ExtractLane: 0x1b,
  v128And: 0x4e,
  load32Lane: 0x56,
  load64Lane: 0x57,
  i32x4Shl: 0xab,
  i32x4Add: 0xae,
  i32x4Sub: 0xb1,
  i32x4MinS: 0xb6,
  i32x4MaxS: 0xb8,
  f32x4Sqrt: 0xe3,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f32x4PMin: 0xea,
  f32x4PMax: 0xeb,
} as const;

/** Core opcodes used by the kernels. */
export const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  i32Store: 0x36,
  i32Const: 0x41,
  f32Const: 0x43,
  i32GeU: 0x4f,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
} as const;

/** Builds one function body: declare locals, then emit instructions. */
export class FunctionBuilder {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  private readonly locals: ValType[] = [];
  readonly code: number[] = [];

  constructor(params: readonly ValType[], results: readonly ValType[] = []) {
    this.params = params;
    this.results = results;
  }

  /** A new local of the given type; returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  get(i: number): this {
    this.code.push(OP.localGet);
    uleb(i, this.code);
    return this;
  }
  set(i: number): this {
    this.code.push(OP.localSet);
    uleb(i, this.code);
    return this;
  }
  tee(i: number): this {
    this.code.push(OP.localTee);
    uleb(i, this.code);
    return this;
  }
  i32(v: number): this {
    this.code.push(OP.i32Const);
    sleb(v | 0, this.code);
    return this;
  }
  f32(v: number): this {
    this.code.push(OP.f32Const, ...new Uint8Array(new Float32Array([v]).buffer));
    return this;
  }
  /** A scalar load/store with its memarg (alignment as log2 bytes, static offset). */
  mem(opcode: number, alignLog2: number, offset = 0): this {
    this.code.push(opcode);
    uleb(alignLog2, this.code);
    uleb(offset, this.code);
    return this;
  }
  /** A SIMD instruction without immediates. */
  simd(sub: number): this {
    this.code.push(0xfd);
    uleb(sub, this.code);
    return this;
  }
  /** A SIMD load/store with memarg (v128.load, v128.store, v128.load32_splat). */
  simdMem(sub: number, alignLog2: number, offset = 0): this {
    this.simd(sub);
    uleb(alignLog2, this.code);
    uleb(offset, this.code);
    return this;
  }
  /** v128.load32_lane: memarg then the lane index. */
  load32Lane(lane: number, offset = 0): this {
    this.simdMem(SIMD.load32Lane, 0, offset);
    this.code.push(lane);
    return this;
  }
  /** v128.load64_lane: memarg then the lane index. */
  load64Lane(lane: number, offset = 0): this {
    this.simdMem(SIMD.load64Lane, 0, offset);
    this.code.push(lane);
    return this;
  }
  /** A SIMD instruction with one lane-index immediate (extract_lane). */
  simdLane(sub: number, lane: number): this {
    this.simd(sub);
    this.code.push(lane);
    return this;
  }
  /** i8x16.shuffle with its 16 byte-lane indices (0..31). */
  shuffle(lanes: readonly number[]): this {
    this.simd(SIMD.shuffle);
    this.code.push(...lanes);
    return this;
  }
  /** v128.const from 4 f32 values. */
  v128f32(a: number, b = a, c = a, d = a): this {
    this.simd(SIMD.const);
    this.code.push(...new Uint8Array(new Float32Array([a, b, c, d]).buffer));
    return this;
  }
  /** Starts a block or loop with an empty result type. */
  begin(opcode: typeof OP.block | typeof OP.loop): this {
    this.code.push(opcode, 0x40);
    return this;
  }
  end(): this {
    this.code.push(OP.end);
    return this;
  }
  br(depth: number): this {
    this.code.push(OP.br);
    uleb(depth, this.code);
    return this;
  }
  brIf(depth: number): this {
    this.code.push(OP.brIf);
    uleb(depth, this.code);
    return this;
  }

  /** The encoded body: local declarations, code, end. */
  encodeBody(): number[] {
    const body: number[] = [];
    // Locals grouped by runs of the same type.
    const groups: [number, ValType][] = [];
    for (const t of this.locals) {
      const last = groups.at(-1);
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    uleb(groups.length, body);
    for (const [count, type] of groups) {
      uleb(count, body);
      body.push(type);
    }
    body.push(...this.code, OP.end);
    const out: number[] = [];
    uleb(body.length, out);
    out.push(...body);
    return out;
  }
}

function section(id: number, content: number[], out: number[]): void {
  out.push(id);
  uleb(content.length, out);
  out.push(...content);
}

function name(s: string, out: number[]): void {
  const bytes = new TextEncoder().encode(s);
  uleb(bytes.length, out);
  out.push(...bytes);
}

/**
 * Encodes a module that imports its memory as env.memory (pages: its initial and maximum size; shared
 * for worker threads) and exports the named functions.
 */
export function encodeModule(
  functions: readonly { name: string; fn: FunctionBuilder }[],
  memory: { pages: number; shared: boolean },
): Uint8Array<ArrayBuffer> {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  uleb(functions.length, types);
  for (const { fn } of functions) {
    types.push(0x60);
    uleb(fn.params.length, types);
    types.push(...fn.params);
    uleb(fn.results.length, types);
    types.push(...fn.results);
  }
  section(1, types, out);
  const imports: number[] = [1];
  name('env', imports);
  name('memory', imports);
  imports.push(0x02, memory.shared ? 0x03 : 0x01);
  uleb(memory.pages, imports);
  uleb(memory.pages, imports);
  section(2, imports, out);
  const funcs: number[] = [];
  uleb(functions.length, funcs);
  functions.forEach((_, i) => uleb(i, funcs));
  section(3, funcs, out);
  const exps: number[] = [];
  uleb(functions.length, exps);
  functions.forEach(({ name: n }, i) => {
    name(n, exps);
    exps.push(0x00);
    uleb(i, exps);
  });
  section(7, exps, out);
  const code: number[] = [];
  uleb(functions.length, code);
  for (const { fn } of functions) code.push(...fn.encodeBody());
  section(10, code, out);
  return Uint8Array.from(out);
}
