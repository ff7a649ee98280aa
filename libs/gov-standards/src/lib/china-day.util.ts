/** Today's date as the working-day calendar counts days (China Standard Time, UTC+8), `YYYY-MM-DD`. */
export function todayInChina(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
