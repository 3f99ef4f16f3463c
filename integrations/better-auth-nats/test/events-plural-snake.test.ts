import { eventSuite } from "./event-suite.js";

eventSuite("plural-snake");
