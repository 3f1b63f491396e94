// placeholder until written
export function sgd_f32(p: usize, g: usize, buf: usize, n: i32, lr: f32, momentum: f32, dampening: f32, weightDecay: f32, nesterov: i32, first: i32): void { unreachable(); }
export function adam_f32(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, weightDecay: f32, stepSize: f32, bc2Sqrt: f32, decoupled: i32): void { unreachable(); }
export function adagrad_f32(p: usize, g: usize, sum: usize, n: i32, clr: f32, weightDecay: f32, eps: f32): void { unreachable(); }
export function rmsprop_f32(p: usize, g: usize, sq: usize, gavg: usize, buf: usize, n: i32, lr: f32, alpha: f32, eps: f32, weightDecay: f32, momentum: f32, centered: i32): void { unreachable(); }
