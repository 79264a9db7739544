"""Built-in formulas with exponentials, logarithms, sines and cosines."""

from __future__ import annotations

from metagrow.domains.numeric._formula import Variable, formula_family

V = Variable

EXPONENTIAL = formula_family(
    "exponential",
    (
        "rc-discharge",
        "v0*exp(-t/(r*c))",
        (V("v0", 1, 12), V("t", 0, 5), V("r", 1, 10), V("c", 0.1, 1)),
        "voltage of a capacitor discharging through a resistor",
    ),
    (
        "monthly-interest",
        "p*(1 + r/12)**(12*t)",
        (V("p", 100, 1000), V("r", 0.01, 0.1), V("t", 1, 10)),
        "a deposit compounded monthly",
    ),
    (
        "half-life-decay",
        "n0*exp(-0.693147*t/h)",
        (V("n0", 100, 1000), V("t", 0, 10), V("h", 1, 5)),
        "amount left after radioactive decay with half-life h",
    ),
    (
        "air-pressure-altitude",
        "101.325*exp(-z/8.4)",
        (V("z", 0, 10),),
        "air pressure at altitude z (km) in an isothermal atmosphere",
    ),
    (
        "sound-level",
        "4.342945*log(p/p0)",
        (V("p", 0.001, 1), V("p0", 1e-5, 1e-4)),
        "a power ratio in decibels",
    ),
    (
        "reaction-rate",
        "a*exp(-ea/(8.314*t))",
        (V("a", 1, 10), V("ea", 10000, 50000), V("t", 300, 600)),
        "rate constant of a thermally activated reaction",
    ),
    (
        "logistic-growth",
        "k/(1 + exp(-r*(t - t0)))",
        (V("k", 50, 100), V("r", 0.5, 2), V("t", 0, 10), V("t0", 3, 7)),
        "population approaching its carrying capacity",
    ),
    (
        "membrane-potential",
        "0.025693*log(co/ci)",
        (V("co", 1, 150), V("ci", 1, 150)),
        "equilibrium potential across a membrane for one ion",
    ),
    (
        "isothermal-entropy",
        "8.314*n*log(v2/v1)",
        (V("n", 0.5, 3), V("v1", 1, 5), V("v2", 1, 10)),
        "entropy change of an ideal gas expanding at constant temperature",
    ),
    (
        "rc-charge",
        "vs*(1 - exp(-t/tau))",
        (V("vs", 1, 12), V("t", 0, 10), V("tau", 0.5, 5)),
        "voltage of a charging capacitor",
    ),
    (
        "rocket-speed-gain",
        "ve*log(m0/mf)",
        (V("ve", 1000, 4500), V("m0", 2, 10), V("mf", 1, 2)),
        "speed gained by a rocket burning from mass m0 to mf",
    ),
    (
        "bell-pulse",
        "a*exp(-(x - mu)**2/(2*s**2))",
        (V("a", 0.5, 2), V("x", -3, 3), V("mu", -1, 1), V("s", 0.5, 2)),
        "a bell-shaped pulse",
    ),
    ("smooth-ramp", "log(1 + exp(x))", (V("x", -5, 5),), "a smooth version of max(0, x)"),
    (
        "diode-current",
        "i0*(exp(u/(n*0.025852)) - 1)",
        (V("i0", 1e-9, 1e-8), V("u", 0, 0.5), V("n", 1, 2)),
        "current through a junction diode",
    ),
    (
        "exchanger-outlet",
        "ti - (ti - tw)*(1 - exp(-u*a/(m*cp)))",
        (
            V("ti", 60, 90),
            V("tw", 5, 30),
            V("u", 100, 500),
            V("a", 0.5, 5),
            V("m", 0.5, 3),
            V("cp", 1000, 4200),
        ),
        "outlet temperature of a fluid cooled by a wall at temperature tw",
    ),
)


TRIGONOMETRIC = formula_family(
    "trigonometric",
    (
        "projectile-range",
        "v**2*sin(2*a)/9.81",
        (V("v", 1, 30), V("a", 0.1, 1.4)),
        "range of a projectile on flat ground",
    ),
    (
        "incline-pull",
        "m*9.81*(sin(a) + mu*cos(a))",
        (V("m", 1, 10), V("a", 0, 1.2), V("mu", 0.1, 0.8)),
        "force to drag a block up an incline with friction",
    ),
    (
        "ac-signal",
        "amp*sin(w*t + phase)",
        (V("amp", 1, 10), V("w", 1, 5), V("t", 0, 5), V("phase", 0, 3)),
        "a sinusoidal voltage",
    ),
    (
        "work-at-angle",
        "f*d*cos(a)",
        (V("f", 1, 100), V("d", 0.5, 10), V("a", 0, 1.5)),
        "work done by a force at an angle to the motion",
    ),
    ("third-harmonic", "sin(x) + 0.5*sin(3*x)", (V("x", -3, 3),), "a tone with its third harmonic"),
    (
        "pendulum-rise",
        "l*(1 - cos(th))",
        (V("l", 0.5, 2), V("th", -1, 1)),
        "height gained by a pendulum bob",
    ),
    (
        "two-tones",
        "cos(w1*t) + cos(w2*t)",
        (V("w1", 1, 3), V("w2", 3, 5), V("t", 0, 6)),
        "two tones beating",
    ),
    (
        "lever-torque",
        "f*r*sin(th)",
        (V("f", 1, 50), V("r", 0.1, 1), V("th", 0, 3)),
        "torque of a force on a lever",
    ),
    (
        "rotated-coordinate",
        "x*cos(th) - z*sin(th)",
        (V("x", -5, 5), V("z", -5, 5), V("th", -3, 3)),
        "a coordinate after rotating the axes",
    ),
    (
        "charge-in-field",
        "q*v*b*sin(th)",
        (V("q", 0.1, 2), V("v", 1, 10), V("b", 0.1, 1), V("th", 0, 3)),
        "force on a moving charge in a magnetic field",
    ),
    (
        "refracted-sine",
        "n1*sin(a1)/n2",
        (V("n1", 1, 1.5), V("a1", 0, 1), V("n2", 1.3, 2.4)),
        "sine of the refracted angle at an interface",
    ),
    (
        "ringdown",
        "a*exp(-b*t)*cos(w*t)",
        (V("a", 0.5, 2), V("b", 0.1, 1), V("w", 1, 6), V("t", 0, 10)),
        "a damped oscillation",
    ),
    (
        "launch-height",
        "h0 + v*sin(a)*t - 0.5*g*t**2",
        (V("h0", 0, 10), V("v", 5, 30), V("a", 0.2, 1.4), V("t", 0, 3), V("g", 9, 10)),
        "height of a projectile launched at an angle",
    ),
)
