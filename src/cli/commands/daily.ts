import { dailyAnswer } from '../../analytics/voice-skill.js';
import { defineCommand } from '../args.js';
import { READ_FLAGS } from '../flags.js';
import { renderSeries } from './series.js';
import { print, printJson, stdoutStyle, withSource } from './shared.js';

export default defineCommand({
  description: 'Calls per UTC day over the last N days (empty days included), today last.',
  usage: 'sidetone daily [--days N] [--json] [--db FILE | --url URL [--token T]]',
  flags: {
    days: { type: 'int', arg: 'N', min: 1, max: 3660, default: 30, help: 'how many days' },
    ...READ_FLAGS,
  },
  examples: ['sidetone daily --days 7 --url http://127.0.0.1:9464'],
  async run({ flags }) {
    const series = await withSource(flags, (s) => s.daily(flags.days));
    if (flags.json) printJson(dailyAnswer(series, flags.days));
    else print(renderSeries(series, 'day', stdoutStyle()));
    return 0;
  },
});
