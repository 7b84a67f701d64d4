import { ForgeClient } from '../forge.js';
import { FakeForge, type Flavor } from './fake-forge.js';
import { makeTestRepo, type TestRepo } from './repo.js';

export interface ForgeRepo {
  forge: FakeForge;
  repo: TestRepo;
  client: ForgeClient;
  /** Stop the fake forge and remove the repositories. */
  close(): Promise<void>;
}

/**
 * The fixture every forge test starts from: a fake GitHub or Forgejo API, a bare remote seeded with a
 * small Goblin repo (makeTestRepo) that the fake forge reads merges and head SHAs from, and an Octokit
 * client pointed at it with the test's own token (tests assert that token is never written anywhere).
 */
export async function startForgeRepo(
  kind: Flavor,
  token: string,
  opts: { log?: (line: string) => void } = {},
): Promise<ForgeRepo> {
  const owner = 'acme';
  const name = 'telemetry-specs';
  const forge = await new FakeForge(kind, { owner, repo: name, token }).start();
  const repo = makeTestRepo({ kind, apiUrl: forge.apiUrl });
  forge.opts.bareRepo = repo.bare;
  const client = new ForgeClient({ kind, apiUrl: forge.apiUrl, owner, repo: name, token, log: opts.log });
  return {
    forge,
    repo,
    client,
    async close() {
      await forge.stop();
      repo.cleanup();
    },
  };
}
