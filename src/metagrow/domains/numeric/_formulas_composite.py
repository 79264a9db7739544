"""Built-in formulas that are piecewise (Min, Max, Abs) or nest functions in one another."""

from __future__ import annotations

from metagrow.domains.numeric._formula import Variable, formula_family

V = Variable

PIECEWISE = formula_family(
    "piecewise",
    ("ramp", "Max(0, x - 1)", (V("x", -3, 3),), "zero until a threshold, then linear"),
    ("clipped-gain", "Min(Max(2*x, -1), 1)", (V("x", -2, 2),), "an amplifier that saturates"),
    (
        "contact-force",
        "k*Max(0, d - x)",
        (V("k", 10, 100), V("d", 0, 1), V("x", 0, 1)),
        "a spring that pushes only when compressed",
    ),
    ("distance-1d", "Abs(x - z)", (V("x", -5, 5), V("z", -5, 5)), "distance between two points"),
    (
        "rectified-wave",
        "Abs(amp*sin(w*t))",
        (V("amp", 1, 10), V("w", 1, 5), V("t", 0, 5)),
        "a full-wave rectified voltage",
    ),
    (
        "two-band-tax",
        "0.1*Min(x, 10) + 0.3*Max(x - 10, 0)",
        (V("x", 0, 40),),
        "tax with a lower and a higher band",
    ),
    (
        "deadband",
        "Max(x - 0.5, 0) + Min(x + 0.5, 0)",
        (V("x", -2, 2),),
        "a controller that ignores small errors",
    ),
    (
        "weir-flow-cap",
        "Min(q, c*sqrt(h))",
        (V("q", 0, 5), V("c", 0.5, 2), V("h", 0, 4)),
        "flow limited by demand or by an outlet's capacity",
    ),
    (
        "margin-penalty",
        "Max(0, 1 - t*s)",
        (V("t", -1, 1), V("s", -3, 3)),
        "a penalty that is zero once a margin is met",
    ),
    (
        "static-friction",
        "Min(f, mu*m*9.81)",
        (V("f", 0, 50), V("mu", 0.1, 0.9), V("m", 1, 10)),
        "friction matching a push up to its limit",
    ),
    (
        "yielding-bar",
        "e1*Min(x, xy) + e2*Max(x - xy, 0)",
        (V("e1", 100, 200), V("e2", 5, 20), V("x", 0, 0.02), V("xy", 0.005, 0.015)),
        "stress in a bar that hardens after yield",
    ),
    ("v-notch", "Abs(x - 1) + Abs(x + 1)", (V("x", -3, 3),), "sum of distances to two points"),
    (
        "heating-demand",
        "h*Max(18 - t, 0)",
        (V("t", -10, 30), V("h", 1, 24)),
        "degree-hours of heating below 18 degrees",
    ),
)


COMPOSITION = formula_family(
    "composition",
    (
        "pendulum-period",
        "6.283185*sqrt(l/g)",
        (V("l", 0.1, 5), V("g", 1, 20)),
        "period of a small-swing pendulum",
    ),
    (
        "time-dilation",
        "1/sqrt(1 - b**2)",
        (V("b", 0, 0.95),),
        "time dilation at speed b (a fraction of light speed)",
    ),
    (
        "triangle-side",
        "sqrt(a**2 + b**2 - 2*a*b*cos(g))",
        (V("a", 1, 5), V("b", 1, 5), V("g", 0.2, 3)),
        "third side of a triangle from two sides and the angle between",
    ),
    (
        "escape-speed",
        "sqrt(13.348*m/r)",
        (V("m", 1, 10), V("r", 1, 10)),
        "speed to escape a body's gravity (scaled units)",
    ),
    (
        "falling-terminal-speed",
        "sqrt(2*m*9.81/(rho*cd*area))",
        (V("m", 1, 100), V("rho", 1, 1.3), V("cd", 0.3, 1.2), V("area", 0.1, 1)),
        "terminal speed of a body falling through air",
    ),
    (
        "water-wave-speed",
        "sqrt(9.81*wl/6.283185*tanh(6.283185*d/wl))",
        (V("wl", 1, 50), V("d", 0.5, 20)),
        "speed of a water wave of wavelength wl in depth d",
    ),
    (
        "neuron-output",
        "tanh(w1*x1 + w2*x2 + b)",
        (V("w1", -2, 2), V("x1", -2, 2), V("w2", -2, 2), V("x2", -2, 2), V("b", -1, 1)),
        "a two-input neuron with a tanh activation",
    ),
    (
        "distance-3d",
        "sqrt(dx**2 + dy**2 + dz**2)",
        (V("dx", -5, 5), V("dy", -5, 5), V("dz", -5, 5)),
        "straight-line distance in space",
    ),
    (
        "orbit-period",
        "6.283185*sqrt(a**3/mu)",
        (V("a", 1, 10), V("mu", 1, 100)),
        "period of an orbit with semi-major axis a",
    ),
    (
        "soft-maximum",
        "log(exp(a) + exp(b))",
        (V("a", -5, 5), V("b", -5, 5)),
        "a smooth maximum of two values",
    ),
    (
        "screened-potential",
        "q*exp(-r/l)/r",
        (V("q", 1, 10), V("r", 0.5, 5), V("l", 0.5, 3)),
        "potential of a charge screened over length l",
    ),
    (
        "radiation-spectrum",
        "x**3/(exp(x) - 1)",
        (V("x", 0.1, 10),),
        "shape of a thermal radiation spectrum",
    ),
    (
        "critical-damping",
        "(1 + w*t)*exp(-w*t)",
        (V("w", 0.5, 5), V("t", 0, 5)),
        "return of a critically damped system",
    ),
    (
        "pipe-heat-loss",
        "6.283185*k*l*(ti - to)/log(r2/r1)",
        (
            V("k", 0.1, 50),
            V("l", 0.5, 5),
            V("ti", 50, 150),
            V("to", 0, 40),
            V("r1", 0.01, 0.05),
            V("r2", 0.06, 0.2),
        ),
        "heat flow through the wall of a pipe",
    ),
    (
        "driven-amplitude",
        "f0/sqrt((k - m*w**2)**2 + (c*w)**2)",
        (V("f0", 1, 10), V("k", 10, 100), V("m", 0.5, 5), V("w", 0.5, 10), V("c", 0.5, 5)),
        "steady amplitude of a driven, damped oscillator",
    ),
)
