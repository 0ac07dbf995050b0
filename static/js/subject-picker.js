/*
 * The 任教科目 picker without page reloads.
 *
 * The form works without this file: each 加入, 清除重選 and change of
 * 科目類別 submits the form, and the server returns the same page. With
 * it, the same steps happen in the page and only 更新教師資料 submits.
 * The chosen subjects travel as hidden "subjects" inputs either way.
 */
(function () {
  "use strict";

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  }

  function setUp(picker) {
    var category = picker.querySelector("[data-picker-category]");
    var subject = picker.querySelector("[data-picker-subject]");
    var list = picker.querySelector("[data-picker-list]");
    var error = picker.querySelector("[data-picker-error]");
    var status = picker.querySelector("[data-picker-status]");
    var catalogue = picker.querySelector("template[data-picker-catalogue]");
    var show = picker.querySelector("[data-picker-show]");
    if (!category || !subject || !list || !catalogue) {
      return;
    }
    if (show) {
      show.hidden = true;
    }

    function items() {
      return list.querySelectorAll("li[data-subject-id]");
    }

    function showError(message) {
      error.textContent = "";
      var paragraph = document.createElement("p");
      paragraph.className = "errorlist";
      paragraph.textContent = message;
      error.appendChild(paragraph);
      error.classList.add("field-error");
    }

    function clearError() {
      error.textContent = "";
      error.classList.remove("field-error");
    }

    function renumber() {
      var entries = items();
      var empty = list.querySelector("li[data-empty]");
      entries.forEach(function (item, index) {
        item.querySelector("[data-number]").textContent = fill(picker.dataset.itemFormat, { n: index + 1 });
      });
      if (entries.length === 0 && !empty) {
        empty = document.createElement("li");
        empty.setAttribute("data-empty", "");
        empty.textContent = picker.dataset.emptyText;
        list.appendChild(empty);
      } else if (entries.length > 0 && empty) {
        empty.remove();
      }
    }

    function fillSubjects() {
      subject.textContent = "";
      catalogue.content.querySelectorAll("option").forEach(function (option) {
        if (option.dataset.category === category.value) {
          subject.appendChild(option.cloneNode(true));
        }
      });
    }

    category.addEventListener("change", function () {
      fillSubjects();
      clearError();
    });

    picker.querySelector("[data-picker-add]").addEventListener("click", function (event) {
      event.preventDefault();
      var option = subject.options[subject.selectedIndex];
      if (!option) {
        showError(picker.dataset.missingText);
        return;
      }
      var fullName = option.dataset.fullName || option.textContent;
      var entries = Array.prototype.slice.call(items());
      for (var index = 0; index < entries.length; index += 1) {
        if (entries[index].dataset.subjectId === option.value) {
          showError(fill(picker.dataset.duplicateText, { subject: fullName, n: index + 1 }));
          subject.focus();
          return;
        }
      }

      var item = document.createElement("li");
      item.dataset.subjectId = option.value;
      var number = document.createElement("span");
      number.setAttribute("data-number", "");
      item.appendChild(number);
      item.appendChild(document.createTextNode(" " + fullName));
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "subjects";
      hidden.value = option.value;
      item.appendChild(hidden);
      list.appendChild(item);

      renumber();
      clearError();
      status.textContent = fill(picker.dataset.addedText, { subject: fullName, n: entries.length + 1 });
    });

    picker.querySelector("[data-picker-clear]").addEventListener("click", function (event) {
      event.preventDefault();
      items().forEach(function (item) {
        item.remove();
      });
      renumber();
      clearError();
      status.textContent = picker.dataset.clearedText;
    });
  }

  document.querySelectorAll("[data-subject-picker]").forEach(setUp);
})();
