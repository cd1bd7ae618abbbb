// Commands of the footage domain (issue 5): import jobs for video and photos, sources, progress.
// Declared with `cmd` from ../spec exactly like the base commands in ../contract.
export const footageCommands = {} as const;
