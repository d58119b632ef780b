import type { TopologyLayer } from './topology';
import type { ConvInfo, ResidualRole } from './types';

/**
 * Finds residual blocks — an `Add` whose input branches all start from one forking tensor —
 * and tells each conv on those branches its position. A branch is followed backwards from the
 * `Add` through single-input, single-consumer layers until it reaches the fork. The branch with
 * strictly fewest convs is the shortcut (identity, pooling + zero-padding, or a 1×1 projection).
 */
export function assignResidualRoles(layers: TopologyLayer[], convByLayer: Map<string, ConvInfo>): void {
  const consumers = new Map<string, number>();
  for (const layer of layers) {
    for (const node of layer.inboundNodes) {
      for (const inbound of node.inboundLayers) consumers.set(inbound.name, (consumers.get(inbound.name) ?? 0) + 1);
    }
  }

  const walkBack = (start: TopologyLayer): { fork: string; path: TopologyLayer[] } => {
    const path: TopologyLayer[] = [];
    let current = start;
    for (;;) {
      const inbound = current.inboundNodes.length === 1 ? current.inboundNodes[0].inboundLayers : [];
      if ((consumers.get(current.name) ?? 0) > 1 || inbound.length !== 1) return { fork: current.name, path };
      path.push(current);
      current = inbound[0];
    }
  };

  let block = 0;
  for (const layer of layers) {
    if (layer.getClassName() !== 'Add' || layer.inboundNodes.length !== 1) continue;
    const branches = layer.inboundNodes[0].inboundLayers.map(walkBack);
    if (branches.length < 2 || branches.some((b) => b.fork !== branches[0].fork)) continue;
    block++;
    const convsOf = branches.map((b) =>
      b.path
        .reverse()
        .map((l) => convByLayer.get(l.name))
        .filter((c): c is ConvInfo => c !== undefined),
    );
    const counts = convsOf.map((c) => c.length);
    const fewest = Math.min(...counts);
    const shortcut = counts.filter((n) => n === fewest).length === 1 ? counts.indexOf(fewest) : -1;
    convsOf.forEach((convs, branch) => {
      convs.forEach((conv, i) => {
        let position: ResidualRole['position'];
        if (branch === shortcut) position = 'shortcut';
        else if (convs.length === 1) position = 'first-and-last';
        else position = i === 0 ? 'first' : i === convs.length - 1 ? 'last' : 'middle';
        conv.residual = { block, position };
      });
    });
  }
}
