import { eventSuite } from "./event-suite.js";

eventSuite("better-auth-default");
