// placeholder until written
export function clip_grad_norm_f32(g: usize, n: i32, maxNorm: f32): f32 { unreachable(); return 0; }
export function clip_value_f32(g: usize, n: i32, lo: f32, hi: f32): void { unreachable(); }
