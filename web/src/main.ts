import "./style.css";

document.getElementById("main")!.textContent = "jobwire console";
