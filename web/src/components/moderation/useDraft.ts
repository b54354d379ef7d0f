// The draft of a moderation form: change merges a part into it and clears the last
// request's outcome (the mutation's reset), so an old error does not stand beside
// new input.
import { useState } from "react";

export function useDraft<T>(initial: T | (() => T), reset: () => void) {
  const [draft, setDraft] = useState<T>(initial);
  const change = (c: Partial<T>) => {
    reset();
    setDraft({ ...draft, ...c });
  };
  return [draft, change, setDraft] as const;
}
