import { describe, expect, it } from 'vitest';
import { electronProblem } from './electronBinary';

const missingPackage = (): string => {
  throw Object.assign(new Error("Cannot find module 'electron'"), { code: 'MODULE_NOT_FOUND' });
};
const noBinary = (): string => {
  // What electron/index.js throws when its postinstall did not download the binary.
  throw new Error(
    'Electron failed to install correctly, please delete node_modules/electron and try installing again',
  );
};

describe('electronProblem', () => {
  it('says nothing when the package resolves to an existing binary', () => {
    expect(
      electronProblem(
        () => '/x/electron',
        () => true,
      ),
    ).toBeUndefined();
  });

  it('gives one line naming npm install when the optional package was left out', () => {
    const m = electronProblem(missingPackage, () => true)!;
    expect(m).not.toContain('\n');
    expect(m).toMatch(/not installed/);
    expect(m).toContain('npm install');
    expect(m).toContain('npm run web');
  });

  it('gives one line naming the binary installer when the download was skipped or failed', () => {
    for (const m of [
      electronProblem(noBinary, () => true)!,
      electronProblem(
        () => '/x/electron',
        () => false,
      )!,
    ]) {
      expect(m).not.toContain('\n');
      expect(m).toContain('node node_modules/electron/install.js');
      expect(m).toContain('ELECTRON_MIRROR');
    }
  });
});
