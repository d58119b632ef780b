import type { ChannelLayout, LayerRule } from '@prunebench/core';

/**
 * The channel graph's rule for `ChannelZeroPad`: the input's groups pass through, shifted by
 * `before`; the added zero channels are groups of their own that cannot be pruned (nothing
 * produces them), so an `Add` with them refuses the groups it would tie.
 */
export const channelZeroPadRule: LayerRule = {
  className: 'ChannelZeroPad',
  trace: (t) => {
    const { before, after } = t.config as { before?: unknown; after?: unknown };
    const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
    const input = t.inputs[0];
    if (!ok(before) || !ok(after) || input.spatial !== 1) return t.opaque('a ChannelZeroPad config the graph does not understand');
    const segments: ChannelLayout['segments'] = [];
    const zeros = (size: number, offset: number) =>
      segments.push({ group: t.unprunable(size, `zero channels added by "${t.name}" (a parameter-free shortcut)`), offset, size });
    if (before > 0) zeros(before, 0);
    for (const segment of input.segments) segments.push({ ...segment, offset: segment.offset + before });
    if (after > 0) zeros(after, before + input.channels);
    const output = { channels: input.channels + before + after, spatial: 1, segments };
    t.member(output, 'zero-pad');
    return output;
  },
};
