/**
 * Finds where a JSON text stops being valid. Node 20's JSON.parse reports a position for some
 * errors only ("Unexpected token '}', ... is not valid JSON" has none), so this small scanner
 * walks the text the way a strict JSON parser does and returns the offset of the first problem.
 */

const WS = new Set([" ", "\t", "\n", "\r"]);

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  fail(): never {
    throw new JsonSyntaxStop(this.pos);
  }
  skipWs(): void {
    while (this.pos < this.text.length && WS.has(this.text[this.pos]!)) this.pos++;
  }
  expect(ch: string): void {
    if (this.text[this.pos] !== ch) this.fail();
    this.pos++;
  }
  value(): void {
    this.skipWs();
    const ch = this.text[this.pos];
    if (ch === "{") this.object();
    else if (ch === "[") this.array();
    else if (ch === '"') this.string();
    else if (ch === "-" || (ch !== undefined && ch >= "0" && ch <= "9")) this.number();
    else if (this.text.startsWith("true", this.pos)) this.pos += 4;
    else if (this.text.startsWith("false", this.pos)) this.pos += 5;
    else if (this.text.startsWith("null", this.pos)) this.pos += 4;
    else this.fail();
  }
  object(): void {
    this.pos++;
    this.skipWs();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipWs();
      if (this.text[this.pos] !== '"') this.fail();
      this.string();
      this.skipWs();
      this.expect(":");
      this.value();
      this.skipWs();
      if (this.text[this.pos] === ",") {
        this.pos++;
        continue;
      }
      this.expect("}");
      return;
    }
  }
  array(): void {
    this.pos++;
    this.skipWs();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return;
    }
    for (;;) {
      this.value();
      this.skipWs();
      if (this.text[this.pos] === ",") {
        this.pos++;
        continue;
      }
      this.expect("]");
      return;
    }
  }
  string(): void {
    this.pos++;
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined || ch < " ") this.fail();
      if (ch === '"') {
        this.pos++;
        return;
      }
      if (ch === "\\") {
        const esc = this.text[this.pos + 1];
        if (esc === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.fail();
          this.pos += 6;
        } else if (esc !== undefined && '"\\/bfnrt'.includes(esc)) this.pos += 2;
        else this.fail();
      } else this.pos++;
    }
  }
  number(): void {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (!m) this.fail();
    this.pos += m[0].length;
  }
}

class JsonSyntaxStop {
  constructor(readonly pos: number) {}
}

/** Offset of the first syntax error in `text`, or undefined when the text is valid JSON. */
export function findJsonErrorOffset(text: string): number | undefined {
  const s = new Scanner(text);
  try {
    s.value();
    s.skipWs();
    return s.pos < text.length ? s.pos : undefined;
  } catch (e) {
    if (e instanceof JsonSyntaxStop) return e.pos;
    throw e;
  }
}

/** 1-based line and column of a 0-based offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
