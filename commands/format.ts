// How numbers read in the commands' messages, where more than one message shows them.

/**
 * A change between two readings (a health score, a count of accounts): always signed,
 * with a true minus sign, and ±0 for no change, so a column of changes lines up and
 * "no change" is not mistaken for a missing value.
 */
export const formatChange = (n: number): string => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0');
