// placeholder until written
export function sigmoid_f32(out: usize, x: usize, n: i32): void { unreachable(); }
export function tanh_f32(out: usize, x: usize, n: i32): void { unreachable(); }
export function relu_f32(out: usize, x: usize, n: i32): void { unreachable(); }
export function sigmoid_bwd_f32(dx: usize, y: usize, dy: usize, n: i32): void { unreachable(); }
export function tanh_bwd_f32(dx: usize, y: usize, dy: usize, n: i32): void { unreachable(); }
export function relu_bwd_f32(dx: usize, y: usize, dy: usize, n: i32): void { unreachable(); }
