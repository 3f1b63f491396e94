// Optimizer steps over a flat slab: f32x4 main loop plus an explicit scalar tail, one element's update per lane.
// Each mirrors the operation order of torch.optim's single-tensor CPU loop (PyTorch 1.13), one f32 rounding per
// tensor op. PyTorch's own CPU kernels fuse `add(x, alpha=a)` and `addcmul` into one FMA (checked on AVX2), so
// those spots use `madd`: fused in the relaxed build, multiply-then-add (like the TypeScript twin) in `simd`.
// Scalars torch forms in Python (f64) and rounds once — 1 − β, 1 − dampening, 1 − lr·wd — come from the host
// the same way: forming them here from the f32 β would make 1 − β2 = 0.00099998713 for β2 = 0.999 (1.3e-5 off).

import { madd, maddScalar } from './simd';

// p, g, buf [n]; buf is touched only when momentum != 0, and read only when first == 0.
// keep = 1 − dampening from the host: buf.mul_(momentum).add_(d_p, alpha=1 - dampening).
export function sgd_f32(
  p: usize, g: usize, buf: usize, n: i32,
  lr: f32, momentum: f32, keep: f32, weightDecay: f32, nesterov: i32, first: i32,
): void {
  const nlr = -lr; // param.add_(d_p, alpha=-lr)
  const useBuf = momentum != 0;
  const vnlr = f32x4.splat(nlr), vm = f32x4.splat(momentum), vk = f32x4.splat(keep), vwd = f32x4.splat(weightDecay);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const w = v128.load(p + o);
    let d = v128.load(g + o);
    if (weightDecay != 0) d = madd(w, vwd, d);
    if (useBuf) {
      const b = first ? d : madd(d, vk, f32x4.mul(v128.load(buf + o), vm));
      v128.store(buf + o, b);
      d = nesterov ? madd(b, vm, d) : b;
    }
    v128.store(p + o, madd(d, vnlr, w));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const w = load<f32>(p + o);
    let d = load<f32>(g + o);
    if (weightDecay != 0) d = maddScalar(w, weightDecay, d);
    if (useBuf) {
      const b = first ? d : maddScalar(d, keep, load<f32>(buf + o) * momentum);
      store<f32>(buf + o, b);
      d = nesterov ? maddScalar(b, momentum, d) : b;
    }
    store<f32>(p + o, maddScalar(d, nlr, w));
  }
}

// p, g, m, v [n]; m and v are torch's exp_avg and exp_avg_sq. From the host: decay = 1 − lr·wd (AdamW's
// param.mul_(1 - lr * weight_decay), applied even when it is 1), c1 = 1 − β1, c2 = 1 − β2.
export function adam_f32(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  decay: f32, beta1: f32, c1: f32, beta2: f32, c2: f32, eps: f32, weightDecay: f32,
  stepSize: f32, bc2Sqrt: f32, decoupled: i32,
): void {
  const coupled = !decoupled && weightDecay != 0; // Adam: grad = grad.add(param, alpha=weight_decay)
  const nstep = -stepSize;
  const vdecay = f32x4.splat(decay), vwd = f32x4.splat(weightDecay);
  const vb1 = f32x4.splat(beta1), vc1 = f32x4.splat(c1), vb2 = f32x4.splat(beta2), vc2 = f32x4.splat(c2);
  const veps = f32x4.splat(eps), vbc2 = f32x4.splat(bc2Sqrt), vnstep = f32x4.splat(nstep);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let w = v128.load(p + o);
    let gv = v128.load(g + o);
    if (decoupled) w = f32x4.mul(w, vdecay);
    else if (coupled) gv = madd(w, vwd, gv);
    const mv = madd(gv, vc1, f32x4.mul(v128.load(m + o), vb1));
    const vv = madd(f32x4.mul(gv, vc2), gv, f32x4.mul(v128.load(v + o), vb2));
    // denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps); param.addcdiv_(exp_avg, denom, value=-step_size)
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), vbc2), veps);
    v128.store(p + o, f32x4.add(w, f32x4.div(f32x4.mul(vnstep, mv), denom)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let w = load<f32>(p + o);
    let gs = load<f32>(g + o);
    if (decoupled) w = w * decay;
    else if (coupled) gs = maddScalar(w, weightDecay, gs);
    const ms = maddScalar(gs, c1, load<f32>(m + o) * beta1);
    const vs = maddScalar(gs * c2, gs, load<f32>(v + o) * beta2);
    const denom = Mathf.sqrt(vs) / bc2Sqrt + eps;
    store<f32>(p + o, w + (nstep * ms) / denom);
    store<f32>(m + o, ms);
    store<f32>(v + o, vs);
  }
}

// p, g, sum [n]; sum starts at initial_accumulator_value; clr = lr / (1 + (t − 1)·lr_decay) from the host.
export function adagrad_f32(p: usize, g: usize, sum: usize, n: i32, clr: f32, weightDecay: f32, eps: f32): void {
  const nclr = -clr;
  const vnclr = f32x4.splat(nclr), vwd = f32x4.splat(weightDecay), veps = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const w = v128.load(p + o);
    let gv = v128.load(g + o);
    if (weightDecay != 0) gv = madd(w, vwd, gv);
    const s = madd(gv, gv, v128.load(sum + o)); // state_sum.addcmul_(grad, grad, value=1)
    const std = f32x4.add(f32x4.sqrt(s), veps);
    v128.store(p + o, f32x4.add(w, f32x4.div(f32x4.mul(vnclr, gv), std)));
    v128.store(sum + o, s);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const w = load<f32>(p + o);
    let gs = load<f32>(g + o);
    if (weightDecay != 0) gs = maddScalar(w, weightDecay, gs);
    const s = maddScalar(gs, gs, load<f32>(sum + o));
    store<f32>(p + o, w + (nclr * gs) / (Mathf.sqrt(s) + eps));
    store<f32>(sum + o, s);
  }
}

// p, g, sq, gavg, buf [n]; gavg is touched only when centered != 0, buf only when momentum > 0; c = 1 − α.
export function rmsprop_f32(
  p: usize, g: usize, sq: usize, gavg: usize, buf: usize, n: i32,
  lr: f32, alpha: f32, c: f32, eps: f32, weightDecay: f32, momentum: f32, centered: i32,
): void {
  const nlr = -lr, useBuf = momentum > 0;
  const vnlr = f32x4.splat(nlr), va = f32x4.splat(alpha), vc = f32x4.splat(c);
  const veps = f32x4.splat(eps), vwd = f32x4.splat(weightDecay), vm = f32x4.splat(momentum);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const w = v128.load(p + o);
    let gv = v128.load(g + o);
    if (weightDecay != 0) gv = madd(w, vwd, gv);
    const s = madd(f32x4.mul(gv, vc), gv, f32x4.mul(v128.load(sq + o), va));
    v128.store(sq + o, s);
    let avg: v128;
    if (centered) {
      const ga = madd(gv, vc, f32x4.mul(v128.load(gavg + o), va));
      v128.store(gavg + o, ga);
      avg = f32x4.sqrt(madd(f32x4.neg(ga), ga, s)); // square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
    } else {
      avg = f32x4.sqrt(s);
    }
    avg = f32x4.add(avg, veps);
    if (useBuf) {
      const b = f32x4.add(f32x4.mul(v128.load(buf + o), vm), f32x4.div(gv, avg));
      v128.store(buf + o, b);
      v128.store(p + o, madd(b, vnlr, w));
    } else {
      v128.store(p + o, f32x4.add(w, f32x4.div(f32x4.mul(vnlr, gv), avg)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const w = load<f32>(p + o);
    let gs = load<f32>(g + o);
    if (weightDecay != 0) gs = maddScalar(w, weightDecay, gs);
    const s = maddScalar(gs * c, gs, load<f32>(sq + o) * alpha);
    store<f32>(sq + o, s);
    let avg: f32;
    if (centered) {
      const ga = maddScalar(gs, c, load<f32>(gavg + o) * alpha);
      store<f32>(gavg + o, ga);
      avg = Mathf.sqrt(maddScalar(-ga, ga, s));
    } else {
      avg = Mathf.sqrt(s);
    }
    avg += eps;
    if (useBuf) {
      const b = load<f32>(buf + o) * momentum + gs / avg;
      store<f32>(buf + o, b);
      store<f32>(p + o, maddScalar(b, nlr, w));
    } else {
      store<f32>(p + o, w + (nlr * gs) / avg);
    }
  }
}
