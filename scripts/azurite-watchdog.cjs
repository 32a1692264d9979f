// Preloaded into the Azurite child process: when the parent (test runner, `npm run emulators`)
// dies, the IPC channel closes and Azurite exits instead of lingering as an orphan.
process.on("disconnect", () => setTimeout(() => process.exit(0), 50).unref());
