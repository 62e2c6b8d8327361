import fc from 'fast-check';

/** Label values with the characters that break hand-rolled exporters, plus arbitrary Unicode. */
export const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .array(
      fc.constantFrom('"', '\\', '\n', '\\n', '\\"', '{', '}', '=', ',', '#', ' ', 'é', '☎', '𝄞', 'a', '1'),
      {
        maxLength: 20,
      },
    )
    .map((parts) => parts.join('')),
);
