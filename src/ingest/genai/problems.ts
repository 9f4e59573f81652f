// Refused items and dropped scores of one request, counted by reason, rendered as the
// partial_success error_message: "2 spans refused: end before start (1), trace_id must be 16
// bytes (1); 1 score dropped: accuracy outside [0, 1] (1, e.g. 1.7)".

interface Reason {
  count: number;
  example: string | undefined;
}

// Enough to say what is wrong without sending back a novel.
const MAX_REASONS = 8;

class Tally {
  count = 0;
  readonly reasons = new Map<string, Reason>();

  add(reason: string, example: string | undefined): void {
    this.count += 1;
    const known = this.reasons.get(reason);
    if (known === undefined) this.reasons.set(reason, { count: 1, example });
    else known.count += 1;
  }

  render(noun: string, verb: string): string {
    const parts: string[] = [];
    for (const [reason, { count, example }] of this.reasons) {
      if (parts.length === MAX_REASONS) {
        parts.push(`${this.reasons.size - MAX_REASONS} more reasons`);
        break;
      }
      parts.push(
        example === undefined ? `${reason} (${count})` : `${reason} (${count}, e.g. ${example})`,
      );
    }
    const plural = this.count === 1 ? noun : `${noun}s`;
    return `${this.count} ${plural} ${verb}: ${parts.join(', ')}`;
  }
}

/** Collects what one request refused (items) and dropped (scores), each with its reason. */
export class Problems {
  private readonly refusedItems = new Tally();
  private readonly droppedScores = new Tally();

  /** `noun` names the signal's item: span, log record or data point. */
  constructor(private readonly noun: string) {}

  /** Records an item refused; it counts in `rejected`. */
  refuse(reason: string, example?: string): void {
    this.refusedItems.add(reason, example);
  }

  /** Records a score dropped from an item that was kept; reported, not counted in `rejected`. */
  dropScore(reason: string, example?: string): void {
    this.droppedScores.add(reason, example);
  }

  /** Returns the number of items refused. */
  get rejected(): number {
    return this.refusedItems.count;
  }

  /** Returns the summary for partial_success.error_message ('' when nothing was refused). */
  message(): string {
    const sections: string[] = [];
    if (this.refusedItems.count > 0) sections.push(this.refusedItems.render(this.noun, 'refused'));
    if (this.droppedScores.count > 0) sections.push(this.droppedScores.render('score', 'dropped'));
    return sections.join('; ');
  }
}
