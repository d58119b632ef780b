import type { ChannelLayout, GroupMember, PruningGroup } from './types';

interface RawGroup {
  size: number;
  members: GroupMember[];
  producers: string[];
  reasons: string[];
  merged: boolean;
}

/** Union-find over raw groups, each made where channels come into being. */
export class GroupSet {
  readonly raw: RawGroup[] = [];
  private readonly parent: number[] = [];

  create(size: number, reason?: string): number {
    this.raw.push({ size, members: [], producers: [], reasons: reason ? [reason] : [], merged: false });
    this.parent.push(this.parent.length);
    return this.parent.length - 1;
  }

  find(id: number): number {
    while (this.parent[id] !== id) {
      this.parent[id] = this.parent[this.parent[id]];
      id = this.parent[id];
    }
    return id;
  }

  get(id: number): RawGroup {
    return this.raw[this.find(id)];
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    const target = this.raw[keep];
    const source = this.raw[drop];
    target.members.push(...source.members);
    target.producers.push(...source.producers);
    target.reasons.push(...source.reasons);
    target.merged = true;
    this.parent[drop] = keep;
  }

  refuse(id: number, reason: string): void {
    const group = this.get(id);
    if (!group.reasons.includes(reason)) group.reasons.push(reason);
  }

  /**
   * The final groups: roots numbered in the order of their first raw group, members sorted in
   * model order; `idOf` maps a raw id to its final id.
   */
  resolve(layerOrder: ReadonlyMap<string, number>): { groups: PruningGroup[]; idOf: (raw: number) => number } {
    const finalId = new Map<number, number>();
    const groups: PruningGroup[] = [];
    this.raw.forEach((_, rawId) => {
      const root = this.find(rawId);
      if (finalId.has(root)) return;
      const raw = this.raw[root];
      finalId.set(root, groups.length);
      const reasons = [...new Set(raw.reasons)];
      if (raw.producers.length === 0 && reasons.length === 0) reasons.push('no layer produces these channels');
      groups.push({
        id: groups.length,
        channels: raw.size,
        members: [...raw.members].sort((a, b) => layerOrder.get(a.layer)! - layerOrder.get(b.layer)!),
        producers: [...new Set(raw.producers)],
        convIndices: [],
        residual: raw.merged && raw.producers.length > 1,
        prunable: reasons.length === 0,
        reasons,
      });
    });
    return { groups, idOf: (raw) => finalId.get(this.find(raw))! };
  }
}

export function singleGroupLayout(group: number, channels: number): ChannelLayout {
  return { channels, spatial: 1, segments: [{ group, offset: 0, size: channels }] };
}

export function sameStructure(a: ChannelLayout, b: ChannelLayout): boolean {
  return (
    a.channels === b.channels &&
    a.spatial === b.spatial &&
    a.segments.length === b.segments.length &&
    a.segments.every((s, i) => s.offset === b.segments[i].offset && s.size === b.segments[i].size)
  );
}
