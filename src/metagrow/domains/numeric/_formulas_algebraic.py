"""Built-in formulas built from arithmetic alone: polynomials and rational functions."""

from __future__ import annotations

from metagrow.domains.numeric._formula import Variable, formula_family

V = Variable

POLYNOMIAL = formula_family(
    "polynomial",
    (
        "kinetic-energy",
        "0.5*m*v**2",
        (V("m", 1, 10), V("v", 0.5, 5)),
        "kinetic energy of a moving mass",
    ),
    (
        "spring-energy",
        "0.5*k*x**2",
        (V("k", 10, 100), V("x", -0.5, 0.5)),
        "energy stored in a stretched spring",
    ),
    (
        "thrown-ball-height",
        "h0 + v0*t - 4.905*t**2",
        (V("h0", 0, 50), V("v0", 0, 20), V("t", 0, 3)),
        "height of a ball thrown straight up",
    ),
    (
        "rod-inertia",
        "m*l**2/12",
        (V("m", 0.5, 5), V("l", 0.2, 2)),
        "moment of inertia of a rod about its centre",
    ),
    (
        "joule-heating",
        "a**2*r",
        (V("a", 0.1, 5), V("r", 1, 100)),
        "power dissipated by a current a in a resistor r",
    ),
    (
        "drag-power",
        "0.5*rho*cd*area*v**3",
        (V("rho", 1, 1.3), V("cd", 0.2, 1.2), V("area", 0.5, 3), V("v", 1, 30)),
        "power needed to push a body through air",
    ),
    (
        "tube-volume",
        "3.14159*h*(r2**2 - r1**2)",
        (V("r1", 0.1, 1), V("r2", 1.1, 2), V("h", 0.5, 3)),
        "volume of material in a thick-walled tube",
    ),
    (
        "beam-moment",
        "w*x*(l - x)/2",
        (V("w", 1, 10), V("l", 4, 10), V("x", 0, 4)),
        "bending moment in a simply supported beam under uniform load",
    ),
    (
        "rolling-energy",
        "0.5*m*v**2 + 0.5*j*w**2",
        (V("m", 1, 5), V("v", 0, 10), V("j", 0.1, 2), V("w", 0, 20)),
        "translational plus rotational kinetic energy",
    ),
    (
        "stopping-distance",
        "v*tr + 0.051*v**2",
        (V("v", 0, 40), V("tr", 0.5, 2)),
        "distance to stop a car: reaction time, then braking",
    ),
    (
        "cubic-response",
        "2.5*x**3 - 1.2*x**2 + 0.7*x - 3",
        (V("x", -2, 2),),
        "a sensor's cubic calibration curve",
    ),
    (
        "momentum-sum",
        "m1*v1 + m2*v2",
        (V("m1", 1, 5), V("v1", -5, 5), V("m2", 1, 5), V("v2", -5, 5)),
        "total momentum of two bodies",
    ),
    (
        "production-cost",
        "c0 + c1*q + c2*q**2",
        (V("c0", 10, 100), V("c1", 1, 5), V("c2", 0.01, 0.1), V("q", 0, 100)),
        "fixed, linear and quadratic production cost",
    ),
    (
        "pipe-pressure-head",
        "p1 + 0.5*rho*(v1**2 - v2**2) + 9.81*rho*(h1 - h2)",
        (
            V("p1", 100, 200),
            V("rho", 0.8, 1.2),
            V("v1", 0, 5),
            V("v2", 0, 5),
            V("h1", 0, 10),
            V("h2", 0, 10),
        ),
        "pressure downstream in a pipe from flow speed and height changes",
    ),
)


RATIONAL = formula_family(
    "rational",
    ("ohm-current", "u/r", (V("u", 1, 24), V("r", 10, 1000)), "current through a resistor"),
    (
        "parallel-resistance",
        "r1*r2/(r1 + r2)",
        (V("r1", 1, 100), V("r2", 1, 100)),
        "two resistors in parallel",
    ),
    (
        "gas-pressure",
        "8.314*n*t/v",
        (V("n", 0.5, 5), V("t", 250, 400), V("v", 0.01, 0.1)),
        "pressure of an ideal gas",
    ),
    (
        "attraction",
        "6.674*m1*m2/d**2",
        (V("m1", 1, 10), V("m2", 1, 10), V("d", 1, 5)),
        "inverse-square attraction of two masses (scaled units)",
    ),
    (
        "thin-lens-image",
        "f*u/(u - f)",
        (V("f", 0.05, 0.2), V("u", 0.3, 2)),
        "image distance of a thin lens",
    ),
    (
        "cantilever-tip",
        "w*l**3/(3*modulus*inertia)",
        (V("w", 100, 1000), V("l", 1, 3), V("modulus", 50, 200), V("inertia", 0.5, 2)),
        "tip deflection of a cantilever under an end load",
    ),
    (
        "series-capacitance",
        "1/(1/c1 + 1/c2 + 1/c3)",
        (V("c1", 1, 10), V("c2", 1, 10), V("c3", 1, 10)),
        "three capacitors in series",
    ),
    (
        "centripetal-force",
        "m*v**2/r",
        (V("m", 0.5, 5), V("v", 1, 10), V("r", 0.5, 5)),
        "force keeping a mass on a circle",
    ),
    (
        "moving-source-pitch",
        "f0*(343 + vo)/(343 - vs)",
        (V("f0", 200, 1000), V("vo", 0, 30), V("vs", 0, 30)),
        "pitch heard from an approaching source by an approaching listener",
    ),
    (
        "heat-engine-limit",
        "1 - tc/th",
        (V("tc", 250, 350), V("th", 400, 800)),
        "ideal efficiency of a heat engine between two temperatures",
    ),
    (
        "saturating-uptake",
        "vmax*s/(km + s)",
        (V("vmax", 1, 10), V("km", 0.1, 5), V("s", 0, 20)),
        "uptake rate that saturates with concentration",
    ),
    (
        "mixing-temperature",
        "(m1*c1*t1 + m2*c2*t2)/(m1*c1 + m2*c2)",
        (
            V("m1", 0.5, 5),
            V("c1", 0.5, 4.2),
            V("t1", 0, 40),
            V("m2", 0.5, 5),
            V("c2", 0.5, 4.2),
            V("t2", 50, 100),
        ),
        "final temperature after mixing two bodies",
    ),
    (
        "settling-speed",
        "0.2222*(rp - rf)*9.81*r**2/mu",
        (V("rp", 2, 8), V("rf", 0.8, 1.2), V("r", 0.1, 1), V("mu", 0.5, 5)),
        "terminal speed of a small sphere sinking in a viscous fluid (scaled units)",
    ),
    (
        "bridge-output",
        "vs*(r3/(r3 + rx) - r2/(r1 + r2))",
        (
            V("vs", 1, 12),
            V("r1", 10, 1000),
            V("r2", 10, 1000),
            V("r3", 10, 1000),
            V("rx", 10, 1000),
        ),
        "output voltage of a resistor bridge",
    ),
)
