// The `--wait` progress line. On a terminal one line is rewritten in place with the
// elapsed time; otherwise (CI logs, pipes) a plain line is printed only when the state
// text changes, so logs stay short and readable.

export interface ProgressSink {
  /** Shows the current state; `elapsedMs` since waiting began. */
  update(text: string, elapsedMs: number): void;
  /** Ends the progress display (a final newline on a terminal). */
  done(): void;
}

export interface WritableLike {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

/** A sink for `stream`: in-place on a TTY, plain change-only lines otherwise. */
export function progressSink(stream: WritableLike): ProgressSink {
  return stream.isTTY === true ? ttySink(stream) : plainSink(stream);
}

function seconds(ms: number): string {
  return `${Math.floor(ms / 1000)}s`;
}

function ttySink(stream: WritableLike): ProgressSink {
  let shown = false;
  return {
    update(text, elapsedMs) {
      // \r + erase-line: rewrite the same line.
      stream.write(`\r\x1b[2K${text} (${seconds(elapsedMs)})`);
      shown = true;
    },
    done() {
      if (shown) stream.write("\n");
      shown = false;
    },
  };
}

function plainSink(stream: WritableLike): ProgressSink {
  let last: string | undefined;
  return {
    update(text, elapsedMs) {
      if (text === last) return;
      last = text;
      stream.write(`[${seconds(elapsedMs)}] ${text}\n`);
    },
    done() {
      last = undefined;
    },
  };
}
