import { render } from "preact"; render(<p>agent</p>, document.getElementById("app")!);
