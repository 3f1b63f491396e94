// placeholder until written
export function softmax_xent_fwd_f32(probs: usize, logits: usize, targets: usize, rows: i32, cols: i32): f32 { unreachable(); return 0; }
export function softmax_xent_bwd_f32(dlogits: usize, probs: usize, targets: usize, rows: i32, cols: i32, scale: f32): void { unreachable(); }
export function mse_fwd_f32(pred: usize, target: usize, n: i32): f32 { unreachable(); return 0; }
export function mse_bwd_f32(dpred: usize, pred: usize, target: usize, n: i32, scale: f32): void { unreachable(); }
