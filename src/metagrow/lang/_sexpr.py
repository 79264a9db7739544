"""S-expression text for programs, in stitch-core's syntax.

``(lam (map (lam (+ $0 1)) $0))``: ``lam`` binds one variable, ``$i`` is a de Bruijn
index, ``(f a b)`` is curried application, ``#expr`` an invention given by its body,
``??`` a hole. Names in ``inventions`` parse to those library functions.
"""

from __future__ import annotations

from collections.abc import Mapping

from metagrow.lang._expr import App, Expr, Hole, Invented, Lam, Prim, Var, spine


class ProgramParseError(ValueError):
    """Text that is not a program; the message says where."""


_LAMBDA_WORDS = frozenset({"lam", "lambda"})


def show(e: Expr, names: Mapping[Expr, str] | None = None) -> str:
    """The S-expression for ``e``; ``parse(show(e)) is e`` for hole-free programs.
    Inventions listed in ``names`` are printed by name (parse them back with
    ``inventions=``), others as ``#body``."""
    parts: list[str] = []
    _show(e, parts, names or {})
    return "".join(parts)


def _show(e: Expr, out: list[str], names: Mapping[Expr, str]) -> None:
    if isinstance(e, Invented) and e in names:
        out.append(names[e])
    elif isinstance(e, Prim):
        out.append(e.name)
    elif isinstance(e, Var):
        out.append(f"${e.index}")
    elif isinstance(e, Lam):
        out.append("(lam ")
        _show(e.body, out, names)
        out.append(")")
    elif isinstance(e, App):
        head, args = spine(e)
        out.append("(")
        _show(head, out, names)
        for a in args:
            out.append(" ")
            _show(a, out, names)
        out.append(")")
    elif isinstance(e, Invented):
        out.append("#")
        _show(e.body, out, names)
    elif isinstance(e, Hole):
        out.append("??")
    else:  # pragma: no cover - the node types above are all there are
        raise TypeError(f"not a program node: {e!r}")


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    word: list[str] = []
    for ch in text:
        if ch in "()#" or ch.isspace():
            if word:
                out.append("".join(word))
                word = []
            if not ch.isspace():
                out.append(ch)
        else:
            word.append(ch)
    if word:
        out.append("".join(word))
    return out


def parse(text: str, inventions: Mapping[str, Expr] | None = None) -> Expr:
    """Parse one program; raises :class:`ProgramParseError` with a one-line reason."""
    tokens = _tokens(text)
    if not tokens:
        raise ProgramParseError("empty program")
    parser = _Parser(tokens, text, inventions or {})
    e = parser.expr()
    if parser.pos != len(tokens):
        raise ProgramParseError(f"unexpected {tokens[parser.pos]!r} after the end of the program")
    return e


class _Parser:
    def __init__(self, tokens: list[str], text: str, inventions: Mapping[str, Expr]) -> None:
        self.tokens = tokens
        self.text = text
        self.inventions = inventions
        self.pos = 0

    def next(self) -> str:
        if self.pos >= len(self.tokens):
            raise ProgramParseError(f"program ends too early: {self.text.strip()[:80]!r}")
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def expr(self) -> Expr:
        tok = self.next()
        if tok == "(":
            return self.compound()
        if tok == ")":
            raise ProgramParseError("unbalanced ')'")
        if tok == "#":
            return Invented(self.expr())
        return self.atom(tok)

    def atom(self, tok: str) -> Expr:
        if tok == "??":
            return Hole()
        if tok.startswith("$"):
            digits = tok[1:]
            if not (digits.isascii() and digits.isdigit()):
                raise ProgramParseError(f"bad variable {tok!r}: write $0, $1, ...")
            return Var(int(digits))
        if tok in _LAMBDA_WORDS:
            raise ProgramParseError(f"'{tok}' must open a form: (lam BODY)")
        invention = self.inventions.get(tok)
        return invention if invention is not None else Prim(tok)

    def compound(self) -> Expr:
        if self.pos < len(self.tokens) and self.tokens[self.pos] in _LAMBDA_WORDS:
            self.pos += 1
            if self.pos < len(self.tokens) and self.tokens[self.pos] == ")":
                raise ProgramParseError("(lam BODY) needs a body")
            body = self.expr()
            self.close("(lam BODY) takes exactly one body")
            return Lam(body)
        if self.pos < len(self.tokens) and self.tokens[self.pos] == ")":
            raise ProgramParseError("empty application '()'")
        head = self.expr()
        args: list[Expr] = []
        while self.pos < len(self.tokens) and self.tokens[self.pos] != ")":
            args.append(self.expr())
        self.close("unbalanced '('")
        if not args:
            raise ProgramParseError(f"application without arguments: ({show(head)})")
        for a in args:
            head = App(head, a)
        return head

    def close(self, why: str) -> None:
        if self.pos >= len(self.tokens):
            raise ProgramParseError("program ends before a closing ')'")
        if self.tokens[self.pos] != ")":
            raise ProgramParseError(why)
        self.pos += 1
