// Commands of the canvass domain (issue 4): partial-plate search, analyses, watches, cases.
// Declared with `cmd` from ../spec exactly like the base commands in ../contract.
export const canvassCommands = {} as const;
