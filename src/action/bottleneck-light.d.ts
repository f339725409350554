// bottleneck's light build (what plugin-throttling itself loads) ships no types of its own: it is the same API.
declare module "bottleneck/light.js" {
  import Bottleneck from "bottleneck";
  export default Bottleneck;
}
