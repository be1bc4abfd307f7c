export default defineContentScript({
  registration: 'runtime',
  matches: [],
  allFrames: true,
  main() {},
});
